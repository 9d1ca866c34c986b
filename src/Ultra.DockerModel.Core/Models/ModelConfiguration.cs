using System;
using System.Collections.Generic;

namespace Ultra.DockerModel
{
    /// <summary>A model's runtime configuration in Docker Model Runner (<c>docker model configure show</c>).</summary>
    public sealed class ModelConfiguration
    {
        /// <summary>The model's first tag (<c>ai/smollm2:latest</c>).</summary>
        public string Name { get; init; } = "";
        /// <summary>The model's content id (<c>sha256:...</c>).</summary>
        public string Id { get; init; } = "";
        public string? Backend { get; init; }
        public string? Mode { get; init; }
        /// <summary>Context window in tokens; null means the model's own default.</summary>
        public int? ContextSize { get; init; }
        /// <summary>Flags passed to the backend (llama.cpp's <c>--threads 4</c>, ...).</summary>
        public IReadOnlyList<string> RuntimeFlags { get; init; } = Array.Empty<string>();
        /// <summary>How long the model stays loaded when idle; null means the runner's default (5 minutes), <see cref="GoDuration.Forever"/> never unloads.</summary>
        public TimeSpan? KeepAlive { get; init; }
        /// <summary>Reasoning ("thinking") on or off for models that can reason; null when not set.</summary>
        public bool? Reasoning { get; init; }

        public override string ToString() => Name;
    }

    /// <summary>What to set with <c>docker model configure</c>; null leaves a setting as it is (or the runner's default).</summary>
    public sealed class ModelConfigurationChange
    {
        public int? ContextSize { get; init; }
        public IReadOnlyList<string>? RuntimeFlags { get; init; }
        public TimeSpan? KeepAlive { get; init; }
        public string? Mode { get; init; }
        public bool? Reasoning { get; init; }

        /// <summary>The change in words, for -WhatIf and -Confirm.</summary>
        public string Describe()
        {
            var parts = new List<string>();
            if (ContextSize is int c) parts.Add($"context size {c}");
            if (KeepAlive is TimeSpan k) parts.Add("keep-alive " + (k < TimeSpan.Zero ? "forever" : GoDuration.FormatKeepAlive(k)));
            if (Mode != null) parts.Add("mode " + Mode);
            if (Reasoning is bool r) parts.Add("reasoning " + (r ? "on" : "off"));
            if (RuntimeFlags is { Count: > 0 }) parts.Add("runtime flags " + string.Join(" ", RuntimeFlags));
            return parts.Count == 0 ? "default configuration" : string.Join(", ", parts);
        }

        /// <summary>
        /// This change on top of the model's current configuration: <c>docker model configure</c> replaces the whole
        /// configuration, so settings not being changed are sent again as they are.
        /// </summary>
        public ModelConfigurationChange Over(ModelConfiguration? current) => current is null ? this : new ModelConfigurationChange
        {
            ContextSize = ContextSize ?? current.ContextSize,
            RuntimeFlags = RuntimeFlags ?? current.RuntimeFlags,
            KeepAlive = KeepAlive ?? current.KeepAlive,
            Mode = Mode ?? current.Mode,
            Reasoning = Reasoning ?? current.Reasoning,
        };
    }
}
