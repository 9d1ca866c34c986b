using System;
using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel.Embedded.Chat
{
    /// <summary>
    /// Ends the answer at the first stop sequence, which is not part of the answer. Text that could be the start of a
    /// stop sequence is held back until the next piece shows whether it is.
    /// </summary>
    internal sealed class StopSequenceFilter
    {
        private readonly string[] _stops;
        private string _held = "";

        public StopSequenceFilter(IEnumerable<string>? stops) => _stops = stops?.Where(s => !string.IsNullOrEmpty(s)).ToArray() ?? Array.Empty<string>();

        public bool Stopped { get; private set; }

        /// <summary>The text that is safe to write after <paramref name="piece"/>.</summary>
        public string Push(string piece)
        {
            if (_stops.Length == 0) return piece;
            string text = _held + piece;
            int cut = _stops.Select(s => text.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
            if (cut >= 0)
            {
                Stopped = true;
                _held = "";
                return text.Substring(0, cut);
            }
            int keep = _stops.Max(s => LongestPrefixAtEnd(text, s));
            _held = text.Substring(text.Length - keep);
            return text.Substring(0, text.Length - keep);
        }

        /// <summary>What was held back when the answer ends without a stop sequence.</summary>
        public string Flush()
        {
            string rest = _held;
            _held = "";
            return rest;
        }

        private static int LongestPrefixAtEnd(string text, string stop)
        {
            for (int n = Math.Min(stop.Length - 1, text.Length); n > 0; n--)
                if (string.CompareOrdinal(text, text.Length - n, stop, 0, n) == 0) return n;
            return 0;
        }
    }
}
