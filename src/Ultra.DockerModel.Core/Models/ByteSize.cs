using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel
{
    /// <summary>Byte counts to and from the texts Docker Model Runner prints (<c>256.35 MiB</c>, <c>12.58MB</c>).</summary>
    public static class ByteSize
    {
        private static readonly Regex SizeText = new(@"^\s*(?<n>\d+(?:\.\d+)?)\s*(?<u>[KMGTP]?i?B|kB)?\s*$", RegexOptions.CultureInvariant);

        /// <summary>Parses binary (KiB, MiB, GiB) and decimal (kB, MB, GB) units; null when the text is not a size.</summary>
        public static long? Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            var m = SizeText.Match(text);
            if (!m.Success) return null;
            double n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            string unit = m.Groups["u"].Success ? m.Groups["u"].Value : "B";
            bool binary = unit.Contains("i");
            int power = char.ToUpperInvariant(unit[0]) switch { 'K' => 1, 'M' => 2, 'G' => 3, 'T' => 4, 'P' => 5, _ => 0 };
            return (long)Math.Round(n * Math.Pow(binary ? 1024 : 1000, power));
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
