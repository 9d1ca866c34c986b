using System;

namespace Ultra.DockerModel
{
    /// <summary>
    /// A model held in memory now: by Docker Model Runner (<c>docker model ps</c>) or by this module's embedded engine.
    /// </summary>
    public sealed class LoadedModel
    {
        /// <summary>The model reference, normalized (<c>ai/smollm2:latest</c>); a 12-digit id when the runner was asked by id.</summary>
        public string Name { get; init; } = "";
        /// <summary><c>DockerModelRunner</c> or <c>Embedded</c>.</summary>
        public string Engine { get; init; } = "";
        /// <summary>The runner's inference backend (<c>llama.cpp</c>, <c>vllm</c>, ...).</summary>
        public string? Backend { get; init; }
        /// <summary><c>completion</c>, <c>embedding</c>, <c>reranking</c> or <c>image-generation</c>.</summary>
        public string? Mode { get; init; }
        /// <summary>
        /// When the runner will unload it, as the runner says: <c>4 minutes from now</c>, <c>Forever</c>, <c>Expiring</c>,
        /// <c>Loading...</c>; older runners say when it was last used (<c>3 seconds ago</c>).
        /// </summary>
        public string? Until { get; init; }
        public bool IsLoading { get; init; }
        /// <summary>Bytes of memory it holds, where the engine reports it (the embedded engine: weights and contexts; Docker Model Runner does not).</summary>
        public long? MemoryBytes { get; init; }
        /// <summary>The GGUF file the embedded engine loaded; empty for the runner's models.</summary>
        public string? Path { get; init; }

        public override string ToString() => Name;
    }
}
