using System;
using System.Text;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel.Providers
{
    /// <summary>
    /// Turns the bytes <c>docker model run</c> prints into answer text as it arrives: UTF-8 decoded incrementally
    /// (a character split across two reads comes out whole), invalid bytes replaced and counted, and the CLI's
    /// closing newline and optional <c>Token usage: ...</c> trailer held back and removed. A reasoning model's
    /// <c>Thinking:\n ... \n\n--\n\n</c> block before the answer (desktop.go prints reasoning_content that way) is
    /// split off into <see cref="TakeReasoning"/>: it is not the answer, as upstream's own record of the reply says.
    /// </summary>
    public sealed class CliAnswerDecoder
    {
        // A suffix that may still become the trailer "\n\nToken usage: N prompt + N completion = N total\n" or the final "\n".
        private static readonly Regex MaybeTrailer = new(
            @"\n(?:\n(?:T(?:o(?:k(?:e(?:n(?: (?:u(?:s(?:a(?:g(?:e(?::[ 0-9a-z+=]*\n?)?)?)?)?)?)?)?)?)?)?)?)?)?$",
            RegexOptions.CultureInvariant);
        private static readonly Regex Trailer = new(
            @"\n\nToken usage: (?<p>\d+) prompt \+ (?<c>\d+) completion = \d+ total\n?$", RegexOptions.CultureInvariant);

        private const string ThinkingHeader = "Thinking:\n";
        private const string ThinkingEnd = "\n\n--\n\n";

        private enum Part { Start, Reasoning, Answer }

        private readonly CountingFallback _fallback = new();
        private readonly StringBuilder _reasoning = new();
        private Part _part = Part.Start;
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

        /// <summary>The reasoning released since the last call (empty when there is none, or none yet).</summary>
        public string TakeReasoning()
        {
            string text = _reasoning.ToString();
            _reasoning.Clear();
            return text;
        }

        /// <summary>At the end of output: flushes the decoder, removes the trailer and returns what is left of the answer.</summary>
        public string Complete()
        {
            int n = _decoder.GetChars(Array.Empty<byte>(), 0, 0, _chars, 0, flush: true);
            _pending.Append(_chars, 0, n);
            SplitReasoning();
            string rest = EndOfOutput(_pending.ToString());
            _pending.Clear();
            // Reasoning and no answer (cut by a token limit): what is left is reasoning.
            if (_part == Part.Reasoning)
            {
                _reasoning.Append(rest);
                return "";
            }
            return rest;
        }

        /// <summary>The last text without the CLI's closing newline, or without the usage trailer (whose counts are kept).</summary>
        private string EndOfOutput(string rest)
        {
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
            SplitReasoning();
            if (_pending.Length == 0 || _part != Part.Answer) return "";
            string text = _pending.ToString();
            int release = Releasable(text);
            _pending.Remove(0, release);
            return text.Substring(0, release);
        }

        /// <summary>How much of the text cannot be the start of the closing newline or usage trailer.</summary>
        private static int Releasable(string text) =>
            text.IndexOf('\n') < 0 ? text.Length : MaybeTrailer.Match(text) is { Success: true } m ? m.Index : text.Length;

        /// <summary>Moves a leading Thinking block from the pending text to the reasoning, as far as it is known.</summary>
        private void SplitReasoning()
        {
            if (_part == Part.Start)
            {
                string head = _pending.ToString();
                if (head.StartsWith(ThinkingHeader, StringComparison.Ordinal))
                {
                    _pending.Remove(0, ThinkingHeader.Length);
                    _part = Part.Reasoning;
                }
                else if (!ThinkingHeader.StartsWith(head, StringComparison.Ordinal)) _part = Part.Answer;
                else return; // "Thi": could still be the header
            }
            if (_part != Part.Reasoning) return;
            string text = _pending.ToString();
            int end = text.IndexOf(ThinkingEnd, StringComparison.Ordinal);
            if (end >= 0)
            {
                _reasoning.Append(text, 0, end);
                _pending.Remove(0, end + ThinkingEnd.Length);
                _part = Part.Answer;
                return;
            }
            // Hold what may still become the separator (or, with no answer at all, the closing newline and trailer).
            int release = Math.Min(Releasable(text), text.Length - Overlap(text, ThinkingEnd));
            _reasoning.Append(text, 0, release);
            _pending.Remove(0, release);
        }

        /// <summary>The length of the longest end of <paramref name="text"/> that <paramref name="marker"/> starts with.</summary>
        private static int Overlap(string text, string marker)
        {
            for (int n = Math.Min(marker.Length - 1, text.Length); n > 0; n--)
                if (string.CompareOrdinal(text, text.Length - n, marker, 0, n) == 0) return n;
            return 0;
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
