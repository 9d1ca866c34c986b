using System;
using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel.Measuring
{
    /// <summary>Median and spread (sample standard deviation) of a set of measurements.</summary>
    internal static class Statistics
    {
        public static double? Median(IReadOnlyCollection<double> values)
        {
            if (values.Count == 0) return null;
            var sorted = values.OrderBy(v => v).ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }

        /// <summary>0 for a single value: one run shows no spread.</summary>
        public static double? Spread(IReadOnlyCollection<double> values)
        {
            if (values.Count == 0) return null;
            if (values.Count == 1) return 0;
            double mean = values.Average();
            return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        }
    }
}
