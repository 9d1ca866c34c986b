using System;
using System.Collections.Generic;

namespace Ultra.DockerModel
{
    /// <summary>A model in the local Docker Model Runner store, as <c>docker model ls --json</c> reports it.</summary>
    public sealed class LocalModel
    {
        /// <summary>The first tag, normalized (e.g. <c>ai/smollm2:latest</c>), or the id when the model has no tag.</summary>
        public string Name { get; init; } = "";
        public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
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

        public override string ToString() => Name;
    }
}
