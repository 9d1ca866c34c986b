using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelRunnerStandIn.Shared;

/// <summary>Go's time.Duration text: String() and time.ParseDuration, with their error texts.</summary>
public static class GoDuration
{
    private static readonly Regex Part = new(@"\G(?<n>[0-9]*(?:\.[0-9]*)?)(?<u>[^0-9.]*)", RegexOptions.CultureInvariant);
    private static readonly Dictionary<string, double> UnitTicks = new()
    {
        ["ns"] = 0.01, ["us"] = 10, ["µs"] = 10, ["μs"] = 10, ["ms"] = TimeSpan.TicksPerMillisecond,
        ["s"] = TimeSpan.TicksPerSecond, ["m"] = TimeSpan.TicksPerMinute, ["h"] = TimeSpan.TicksPerHour,
    };

    /// <summary>`0s`, `500ms`, `30s`, `1m30s`, `10m0s`, `1h0m0s`.</summary>
    public static string Format(TimeSpan d)
    {
        if (d == TimeSpan.Zero) return "0s";
        string sign = d < TimeSpan.Zero ? "-" : "";
        var a = d.Duration();
        if (a < TimeSpan.FromSeconds(1))
            return a.Ticks % TimeSpan.TicksPerMillisecond == 0
                ? sign + (a.Ticks / TimeSpan.TicksPerMillisecond) + "ms"
                : sign + (a.Ticks / 10.0).ToString("0.###", CultureInfo.InvariantCulture) + "µs";
        long hours = (long)a.TotalHours;
        var secs = (a.Ticks % TimeSpan.TicksPerMinute) / (double)TimeSpan.TicksPerSecond;
        var text = secs.ToString("0.#######", CultureInfo.InvariantCulture) + "s";
        if (hours > 0 || a.Minutes > 0) text = a.Minutes + "m" + text;
        if (hours > 0) text = hours + "h" + text;
        return sign + text;
    }

    /// <summary>time.ParseDuration; the error is Go's text (`time: invalid duration "x"`).</summary>
    public static TimeSpan Parse(string s, out string? error)
    {
        error = null;
        string orig = s;
        bool neg = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            neg = s[0] == '-';
            s = s[1..];
        }
        if (s == "0") return TimeSpan.Zero;
        if (s.Length == 0) return Fail(orig, out error);
        double ticks = 0;
        int pos = 0;
        while (pos < s.Length)
        {
            var m = Part.Match(s, pos);
            string n = m.Groups["n"].Value, u = m.Groups["u"].Value;
            if (!m.Success || n.Length == 0 || n == ".") return Fail(orig, out error);
            if (u.Length == 0)
            {
                error = $"time: missing unit in duration {GoFormat.Quote(orig)}";
                return TimeSpan.Zero;
            }
            if (!UnitTicks.TryGetValue(u, out var perUnit))
            {
                error = $"time: unknown unit {GoFormat.Quote(u)} in duration {GoFormat.Quote(orig)}";
                return TimeSpan.Zero;
            }
            ticks += double.Parse(n, CultureInfo.InvariantCulture) * perUnit;
            pos += m.Length;
        }
        return TimeSpan.FromTicks((long)(neg ? -ticks : ticks));
    }

    private static TimeSpan Fail(string orig, out string error)
    {
        error = $"time: invalid duration {GoFormat.Quote(orig)}";
        return TimeSpan.Zero;
    }

    /// <summary>inference.ParseKeepAlive: "0" now, "-1" (or any negative) never, else a Go duration.</summary>
    public static TimeSpan? ParseKeepAlive(string s, out string? error)
    {
        error = null;
        if (s == "0") return TimeSpan.Zero;
        if (s == "-1") return TimeSpan.FromTicks(-1);
        var d = Parse(s, out var parseError);
        if (parseError != null)
        {
            error = $"invalid keep_alive duration {GoFormat.Quote(s)}: {parseError}";
            return null;
        }
        return d < TimeSpan.Zero ? TimeSpan.FromTicks(-1) : d;
    }
}
