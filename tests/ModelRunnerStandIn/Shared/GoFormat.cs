using System.Globalization;
using System.Text;

namespace ModelRunnerStandIn.Shared;

/// <summary>Go formatting helpers whose exact output the CLI prints (docker/go-units, fmt %q, time.Duration).</summary>
public static class GoFormat
{
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

    /// <summary>units.CustomSize("%.2f%s", v, 1000, decimal units): `12.58MB`, `0.00B`.</summary>
    public static string DecimalSize(double size)
    {
        int i = 0;
        while (size >= 1000 && i < DecimalUnits.Length - 1)
        {
            size /= 1000;
            i++;
        }
        return size.ToString("F2", CultureInfo.InvariantCulture) + DecimalUnits[i];
    }

    /// <summary>units.HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        long seconds = (long)d.TotalSeconds;
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return $"{seconds} seconds";
        long minutes = (long)d.TotalMinutes;
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return $"{minutes} minutes";
        long hours = (long)Math.Round(d.TotalHours, MidpointRounding.AwayFromZero);
        if (hours == 1) return "About an hour";
        if (hours < 48) return $"{hours} hours";
        if (hours < 24 * 7 * 2) return $"{hours / 24} days";
        if (hours < 24 * 30 * 2) return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2) return $"{hours / 24 / 30} months";
        return $"{(long)d.TotalHours / 24 / 365} years";
    }

    /// <summary>time.Duration.String() for whole milliseconds: `10ms`, `1s`, `1.5s`, `1m30s`.</summary>
    public static string Duration(int ms) => GoDuration.Format(TimeSpan.FromMilliseconds(ms));

    /// <summary>inference.KeepAlive as JSON text: "-1" for never, else the duration (`10m0s`).</summary>
    public static string KeepAlive(TimeSpan d) => d < TimeSpan.Zero ? "-1" : GoDuration.Format(d);

    /// <summary>fmt's %q for the strings the CLI quotes.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var r in s.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (r.Value < 0x20 || r.Value == 0x7f) sb.Append($"\\x{r.Value:x2}");
                    else sb.Append(r.ToString());
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>time.RFC3339Nano in UTC, as Go marshals a time.Time.</summary>
    public static string Rfc3339Nano(DateTime utc)
    {
        if (utc == DateTime.MinValue) return "0001-01-01T00:00:00Z";
        return utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + "Z";
    }
}
