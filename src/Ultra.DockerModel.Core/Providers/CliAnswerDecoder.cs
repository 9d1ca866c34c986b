using System;
using System.Text;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel.Providers
{
    /// <summary>
    /// Turns the bytes <c>docker model run</c> prints into answer text as it arrives: UTF-8 decoded incrementally
    /// (a character split across two reads comes out whole), invalid bytes replaced and counted, and the CLI's
    /// closing newline and optional <c>Token usage: ...</c> trailer held back and removed.
    /// </summary>
    public sealed class CliAnswerDecoder
    {
        // A suffix that may still become the trailer "\n\nToken usage: N prompt + N completion = N total\n" or the final "\n".
        private static readonly Regex MaybeTrailer = new(
            @"\n(?:\n(?:T(?:o(?:k(?:e(?:n(?: (?:u(?:s(?:a(?:g(?:e(?::[ 0-9a-z+=]*\n?)?)?)?)?)?)?)?)?)?)?)?)?)?$",
            RegexOptions.CultureInvariant);
        private static readonly Regex Trailer = new(
            @"\n\nToken usage: (?<p>\d+) prompt \+ (?<c>\d+) completion = \d+ total\n?$", RegexOptions.CultureInvariant);

        private readonly CountingFallback _fallback = new();
        private readonly Decoder _decoder;
        private readonly char[] _chars = new char[8192];
        private readonly StringBuilder _pending = new();

        public CliAnswerDecoder()
        {
            _decoder = Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback, _fallback).GetDecoder();
        }

        /// <summary>How many invalid UTF-8 sequences were replaced with U+FFFD.</summary>
        public int InvalidSequences => _fallback.Count;
        public int? PromptTokens { get; private set; }
        public int? CompletionTokens { get; private set; }

        /// <summary>Decodes more bytes; returns the text that is certainly part of the answer (possibly empty).</summary>
        public string Push(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                int take = Math.Min(count, _chars.Length / 2);
                int n = _decoder.GetChars(buffer, offset, take, _chars, 0, flush: false);
                _pending.Append(_chars, 0, n);
                offset += take;
                count -= take;
            }
            return TakeSafe();
        }

        /// <summary>At the end of output: flushes the decoder, removes the trailer and returns what is left of the answer.</summary>
        public string Complete()
        {
            int n = _decoder.GetChars(Array.Empty<byte>(), 0, 0, _chars, 0, flush: true);
            _pending.Append(_chars, 0, n);
            string rest = _pending.ToString();
            _pending.Clear();
            var m = Trailer.Match(rest);
            if (m.Success)
            {
                PromptTokens = int.Parse(m.Groups["p"].Value);
                CompletionTokens = int.Parse(m.Groups["c"].Value);
                return rest.Substring(0, m.Index);
            }
            return rest.EndsWith("\n", StringComparison.Ordinal) ? rest.Substring(0, rest.Length - 1) : rest;
        }

        /// <summary>The text seen so far that is not yet released (used for partial answers on errors).</summary>
        public string Pending => _pending.ToString();

        private string TakeSafe()
        {
            if (_pending.Length == 0) return "";
            string text = _pending.ToString();
            int hold = text.IndexOf('\n') < 0 ? -1 : MaybeTrailer.Match(text) is { Success: true } m ? m.Index : -1;
            int release = hold < 0 ? text.Length : hold;
            _pending.Remove(0, release);
            return text.Substring(0, release);
        }

        /// <summary>Replaces each invalid UTF-8 sequence with U+FFFD and counts them (the HTTP transport uses it too).</summary>
        internal sealed class CountingFallback : DecoderFallback
        {
            public int Count;
            public override int MaxCharCount => 1;
            public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

            private sealed class Buffer : DecoderFallbackBuffer
            {
                private readonly CountingFallback _owner;
                private bool _pending;
                public Buffer(CountingFallback owner) => _owner = owner;
                public override int Remaining => _pending ? 1 : 0;
                public override bool Fallback(byte[] bytesUnknown, int index)
                {
                    _owner.Count++;
                    _pending = true;
                    return true;
                }
                public override char GetNextChar()
                {
                    if (!_pending) return '\0';
                    _pending = false;
                    return '\uFFFD';
                }
                public override bool MovePrevious() => false;
            }
        }
    }
}
