using System;
using System.Collections.Generic;

namespace Ultra.DockerModel
{
    /// <summary>A local model: listed by Docker Model Runner (<c>docker model ls --json</c>) or read from a store on disk.</summary>
    public sealed class LocalModel
    {
        /// <summary>The first tag, normalized (e.g. <c>ai/smollm2:latest</c>), or the id when the model has no tag.</summary>
        public string Name { get; init; } = "";
        public IReadOnlyList<string> Tags { get; internal set; } = Array.Empty<string>();
        /// <summary>The content id, <c>sha256:</c> followed by 64 hex digits.</summary>
        public string Id { get; init; } = "";
        public string ShortId => ModelReference.ShortId(Id);
        public DateTime? Created { get; init; }
        public string? Format { get; init; }
        public string? Architecture { get; init; }
        public string? Parameters { get; init; }
        public string? Quantization { get; init; }
        /// <summary>Size in bytes (the runner reports a text such as <c>256.35 MiB</c>).</summary>
        public long? Size { get; init; }
        public int? ContextSize { get; init; }
        /// <summary>Where the model lives (the runner, Docker's store on disk, the module's store).</summary>
        public ModelStoreKind Store { get; internal set; } = ModelStoreKind.DockerModelRunner;
        /// <summary>The GGUF file(s) on disk, in shard order, when a store on disk holds them all.</summary>
        public IReadOnlyList<string> GgufPath { get; internal set; } = Array.Empty<string>();

        internal LocalModel Copy() => (LocalModel)MemberwiseClone();

        public override string ToString() => Name;
    }
}
