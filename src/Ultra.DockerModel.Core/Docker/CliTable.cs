using System;
using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Reads the plugin's tables (<c>ps</c>, <c>df</c>): no borders, left-aligned, cells padded with spaces and holding
    /// spaces themselves (<c>4 minutes from now</c>), so each row is cut at the header's column starts, never split on
    /// white space (reference 0.6). Lines before the header (Docker Engine's auto-install output) are skipped.
    /// </summary>
    public static class CliTable
    {
        /// <summary>The rows as column-name to cell maps; empty when no line starts with <paramref name="firstColumn"/>.</summary>
        public static IReadOnlyList<IReadOnlyDictionary<string, string>> Parse(string stdout, string firstColumn)
        {
            var lines = DockerErrorClassifier.StripAnsi(stdout).Replace("\r", "").Split('\n');
            int header = Array.FindIndex(lines, l => l.StartsWith(firstColumn + "  ", StringComparison.Ordinal) || l.TrimEnd() == firstColumn);
            if (header < 0) return Array.Empty<IReadOnlyDictionary<string, string>>();
            var columns = Columns(lines[header]);
            var rows = new List<IReadOnlyDictionary<string, string>>();
            foreach (string line in lines.Skip(header + 1))
            {
                if (line.Trim().Length == 0) continue;
                var row = new Dictionary<string, string>(StringComparer.Ordinal);
                for (int i = 0; i < columns.Count; i++)
                {
                    int start = columns[i].Start;
                    int end = i + 1 < columns.Count ? columns[i + 1].Start : line.Length;
                    row[columns[i].Name] = start >= line.Length ? "" : line.Substring(start, Math.Min(end, line.Length) - start).Trim();
                }
                rows.Add(row);
            }
            return rows;
        }

        // Column names hold single spaces ("MODEL NAME"); two or more spaces separate columns.
        private static List<(string Name, int Start)> Columns(string header)
        {
            var columns = new List<(string, int)>();
            int i = 0;
            while (i < header.Length)
            {
                while (i < header.Length && header[i] == ' ') i++;
                if (i >= header.Length) break;
                int start = i;
                while (i < header.Length && !(header[i] == ' ' && (i + 1 >= header.Length || header[i + 1] == ' '))) i++;
                columns.Add((header.Substring(start, i - start), start));
            }
            return columns;
        }
    }
}
