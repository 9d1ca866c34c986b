using System;

namespace Ultra.DockerModel
{
    /// <summary>
    /// How one model performed on one provider (Measure-LocalModel): load time, time to first token, tokens per second
    /// and total time, each as the median of the runs with its spread (sample standard deviation). Times are in
    /// milliseconds and every value is a plain number, so the object exports as it is (ConvertTo-Csv, ConvertTo-Json).
    /// </summary>
    public sealed class ModelMeasurement
    {
        public string Model { get; init; } = "";
        public string Provider { get; init; } = "";
        /// <summary>The transport asked for (Auto, Cli, Http) for Docker Model Runner; empty for other providers.</summary>
        public string? Transport { get; init; }
        public string Prompt { get; init; } = "";
        /// <summary>Runs measured (after the cold first call), and how many of them failed.</summary>
        public int Runs { get; init; }
        public int Failures { get; init; }
        /// <summary>
        /// What loading the model added to the first call after it was unloaded: that call's time to first token less the
        /// median of the others. Empty when the provider cannot unload models (a remote endpoint).
        /// </summary>
        public double? LoadMs { get; init; }
        /// <summary>Time to first token of the first call after the unload (loading included).</summary>
        public double? ColdFirstTokenMs { get; init; }
        public double? FirstTokenMs { get; init; }
        public double? FirstTokenSpreadMs { get; init; }
        /// <summary>Answer tokens per second after the first token; empty when the transport reports no token counts (the CLI).</summary>
        public double? TokensPerSecond { get; init; }
        public double? TokensPerSecondSpread { get; init; }
        public double? TotalMs { get; init; }
        public double? TotalSpreadMs { get; init; }
        /// <summary>Median answer length in tokens, where the provider reports it.</summary>
        public double? CompletionTokens { get; init; }
        /// <summary>The most memory the engine reported for the model during the runs; empty where it reports none (Docker Model Runner).</summary>
        public long? PeakMemoryBytes { get; init; }
        /// <summary>The first failure, when a run failed.</summary>
        public string? Error { get; init; }
        public DateTime MeasuredAt { get; init; }

        public override string ToString() => $"{Model} on {Provider}";
    }
}
