using System;

namespace Ultra.DockerModel.Engine
{
    /// <summary>A model the embedded engine holds in memory.</summary>
    public sealed class LoadedModelInfo
    {
        public string Name { get; init; } = "";
        public string Path { get; init; } = "";
        /// <summary>Bytes of the weights (memory-mapped from the file: shared with the page cache).</summary>
        public long WeightsBytes { get; init; }
        /// <summary>Bytes of the KV caches of the contexts held for this model (estimated from its shape).</summary>
        public long ContextBytes { get; init; }
        public long MemoryBytes => WeightsBytes + ContextBytes;
        public int ContextSize { get; init; }
        /// <summary>Calls running on this model now.</summary>
        public int ActiveCalls { get; init; }
        public DateTime LoadedAt { get; init; }
        public DateTime LastUsed { get; init; }
        /// <summary>When it will be released if nobody uses it before then.</summary>
        public DateTime? ReleaseAt { get; init; }

        public override string ToString() => Name;
    }
}
