using System;
using System.Collections.Generic;

namespace Ultra.DockerModel
{
    /// <summary>What this machine has of Docker Model Runner: the docker client, the plugin, the runner and its endpoint.</summary>
    public sealed class ModelRunnerStatus
    {
        public bool DockerInstalled { get; init; }
        public bool PluginInstalled { get; init; }
        public bool IsRunning { get; init; }
        /// <summary><c>Docker Desktop</c>, <c>Docker Engine</c>, <c>Docker Engine (Manual Install)</c> or <c>Docker Cloud</c>.</summary>
        public string? Kind { get; init; }
        /// <summary>The OpenAI-compatible base URL as containers see it.</summary>
        public string? Endpoint { get; init; }
        /// <summary>The OpenAI-compatible base URL as this host sees it.</summary>
        public string? EndpointHost { get; init; }
        public IReadOnlyDictionary<string, string> Backends { get; init; } = new Dictionary<string, string>();
        public string? ClientVersion { get; init; }
        public string? ServerVersion { get; init; }
        /// <summary>Why the runner is not usable, and what to do; empty when it is.</summary>
        public string? Message { get; init; }
    }
}
