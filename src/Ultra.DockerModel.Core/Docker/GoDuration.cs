using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Durations as Docker Model Runner writes and reads them (Go's <c>10m0s</c>, <c>1h30m</c>, <c>500ms</c>), and its
    /// keep-alive convention: <c>0</c> unloads at once, <c>-1</c> (any negative) never; the module's
    /// <see cref="Forever"/> stands for the latter.
    /// </summary>
    public static class GoDuration
    {
        /// <summary>"Keep loaded for ever" (<c>-1</c> to docker).</summary>
        public static readonly TimeSpan Forever = System.Threading.Timeout.InfiniteTimeSpan;

        private static readonly Regex Text = new(@"^(?<sign>[-+]?)(?<parts>(?:[0-9]*\.?[0-9]+(?:ns|us|µs|μs|ms|s|m|h))+)\z", RegexOptions.CultureInvariant);
        private static readonly Regex Part = new(@"(?<n>[0-9]*\.?[0-9]+)(?<u>ns|us|µs|μs|ms|s|m|h)", RegexOptions.CultureInvariant);

        /// <summary>A keep-alive for <c>--keep-alive</c>: <c>-1</c>, <c>0</c> or a Go duration (<c>1h30m</c>).</summary>
        public static string FormatKeepAlive(TimeSpan value)
        {
            if (value < TimeSpan.Zero) return "-1";
            if (value == TimeSpan.Zero) return "0";
            var sb = new StringBuilder();
            if (value.TotalHours >= 1) sb.Append((long)value.TotalHours).Append('h');
            if (value.Minutes > 0) sb.Append(value.Minutes).Append('m');
            double seconds = value.Seconds + value.Milliseconds / 1000.0;
            if (seconds > 0) sb.Append(seconds.ToString("0.###", CultureInfo.InvariantCulture)).Append('s');
            return sb.Length > 0 ? sb.ToString() : "1ms";
        }

        /// <summary>Reads <c>-1</c>, <c>0</c> or a Go duration; null when the text is none of them.</summary>
        public static TimeSpan? ParseKeepAlive(string? text)
        {
            string s = (text ?? "").Trim();
            if (s == "0") return TimeSpan.Zero;
            if (s == "-1") return Forever;
            var m = Text.Match(s);
            if (!m.Success) return null;
            double ticks = 0;
            foreach (Match p in Part.Matches(m.Groups["parts"].Value))
                ticks += double.Parse(p.Groups["n"].Value, CultureInfo.InvariantCulture) * TicksPer(p.Groups["u"].Value);
            return m.Groups["sign"].Value == "-" ? Forever : TimeSpan.FromTicks((long)Math.Round(ticks));
        }

        private static double TicksPer(string unit) => unit switch
        {
            "h" => TimeSpan.TicksPerHour,
            "m" => TimeSpan.TicksPerMinute,
            "s" => TimeSpan.TicksPerSecond,
            "ms" => TimeSpan.TicksPerMillisecond,
            "ns" => 0.01,
            _ => 10, // us, µs
        };
    }
}
