using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Ultra.DockerModel.Measuring
{
    /// <summary>Measurements as a Markdown table, ready to paste into a document or an issue.</summary>
    public static class MeasurementTable
    {
        public static string ToMarkdown(IEnumerable<ModelMeasurement> measurements)
        {
            var sb = new StringBuilder();
            sb.Append("| Model | Provider | Load (ms) | First token (ms) | Tokens/s | Total (ms) | Peak memory | Runs |\n");
            sb.Append("|---|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var m in measurements)
            {
                sb.Append("| ").Append(m.Model)
                  .Append(" | ").Append(m.Provider)
                  .Append(" | ").Append(Number(m.LoadMs, "0"))
                  .Append(" | ").Append(WithSpread(m.FirstTokenMs, m.FirstTokenSpreadMs, "0"))
                  .Append(" | ").Append(WithSpread(m.TokensPerSecond, m.TokensPerSecondSpread, "0.0"))
                  .Append(" | ").Append(WithSpread(m.TotalMs, m.TotalSpreadMs, "0"))
                  .Append(" | ").Append(m.PeakMemoryBytes is null ? "n/a" : ByteSize.Format(m.PeakMemoryBytes))
                  .Append(" | ").Append(m.Failures == 0 ? m.Runs.ToString(CultureInfo.InvariantCulture) : $"{m.Runs - m.Failures} of {m.Runs}")
                  .Append(" |\n");
            }
            return sb.ToString();
        }

        /// <summary><c>123 ± 4</c>; <c>n/a</c> when there is no value.</summary>
        public static string WithSpread(double? value, double? spread, string format) =>
            value is null ? "n/a" : Number(value, format) + (spread is double s ? " ± " + s.ToString(format, CultureInfo.InvariantCulture) : "");

        private static string Number(double? value, string format) =>
            value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
    }
}
