using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel
{
    /// <summary>Byte counts to and from the texts Docker Model Runner prints (<c>256.35 MiB</c>, <c>12.58MB</c>).</summary>
    public static class ByteSize
    {
        // Every form upstream prints: the GGUF parser's "512 B", "1.5 KB", "256.35 MiB" (binary and decimal mixed, ".00"
        // trimmed, the space dropped by newer packagers), go-units' "12.58MB", "1000.00kB", "0.00B". The unit's B is
        // upper case: a lower-case "8b" is a parameter count.
        private static readonly Regex SizeText = new(@"^\s*(?<n>\d+(?:\.\d+)?)\s*(?<u>(?<p>[kKMGTPE]?)(?<i>i?)B)?\s*\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// Parses binary (KiB, MiB, GiB, TiB) and decimal (kB/KB, MB, GB, TB) units; null when the text is not a byte
        /// count, such as <c>n/a</c> or a parameter count like <c>0.6B</c> (a fraction of a byte cannot be).
        /// </summary>
        public static long? Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var m = SizeText.Match(text);
            if (!m.Success) return null;
            double n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            string prefix = m.Groups["p"].Value;
            if (prefix.Length == 0 && n != Math.Floor(n)) return null;
            bool binary = m.Groups["i"].Value.Length > 0;
            if (binary && prefix.Length == 0) return null; // "iB" is no unit
            int power = prefix.Length == 0 ? 0 : "KMGTPE".IndexOf(char.ToUpperInvariant(prefix[0])) + 1;
            double bytes = Math.Round(n * Math.Pow(binary ? 1024 : 1000, power));
            return bytes > long.MaxValue ? null : (long)bytes;
        }

        /// <summary>Binary units with two decimals, as <c>docker model ls</c> shows them: <c>256.35 MiB</c>.</summary>
        public static string Format(long? bytes)
        {
            if (bytes is null) return "";
            string[] units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
            double value = bytes.Value;
            int i = 0;
            while (value >= 1024 && i < units.Length - 1) { value /= 1024; i++; }
            return i == 0 ? $"{bytes.Value} B" : value.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[i];
        }
    }
}
