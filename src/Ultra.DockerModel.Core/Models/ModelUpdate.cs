namespace Ultra.DockerModel
{
    /// <summary>What Update-LocalModel did (or, with -WhatIf, would do) for one tag.</summary>
    public sealed class ModelUpdate
    {
        /// <summary>The tag, normalized (<c>ai/smollm2:latest</c>).</summary>
        public string Name { get; init; } = "";
        /// <summary>Where the model lives (and so how it was pulled: through the runner, or from the registry into the module's store).</summary>
        public ModelStoreKind Store { get; init; }
        public string OldId { get; init; } = "";
        /// <summary>The registry's id for the tag; the installed one when nothing changed; empty when it could not be found out.</summary>
        public string? NewId { get; init; }
        public bool Updated { get; init; }
        /// <summary>Whether the old model's files were deleted after the new pull (kept while another tag still names it).</summary>
        public bool OldRemoved { get; init; }
        public string Reason { get; init; } = "";

        public override string ToString() => Name;
    }
}
