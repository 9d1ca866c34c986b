using System;

namespace Ultra.DockerModel.Engine
{
    /// <summary>How the engine loads and runs a model: the module's settings plus a call's -Threads.</summary>
    public sealed record EngineOptions
    {
        /// <summary>The context window: the model's own (from its GGUF), capped at this. Default 4096.</summary>
        public int MaxContextSize { get; init; } = 4096;

        /// <summary>CPU threads; null for half the cores (llama.cpp is memory-bound: more threads than that rarely help).</summary>
        public int? Threads { get; init; }

        /// <summary>A loaded model unused this long is released. Default 5 minutes, as Docker Model Runner does.</summary>
        public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

        /// <summary>The name shown for the model (a Docker model name), or null for the file name.</summary>
        public string? DisplayName { get; init; }

        public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount / 2);
    }
}
