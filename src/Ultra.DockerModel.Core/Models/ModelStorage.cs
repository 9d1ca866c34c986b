namespace Ultra.DockerModel
{
    /// <summary>
    /// What one model store uses on disk (Get-LocalModelStorage): the bytes of its models, of downloads that did not
    /// finish (<c>.incomplete</c> files) and of files no model refers to any more, and the free space of its volume.
    /// All sizes are bytes; a value the store cannot tell (the runner keeps its files out of sight) is empty.
    /// </summary>
    public sealed class ModelStorage
    {
        public ModelStoreKind Store { get; init; }
        /// <summary>The store's folder; empty for Docker Model Runner, whose store lives in its container or VM.</summary>
        public string? Path { get; init; }
        public int? Models { get; init; }
        public long? ModelBytes { get; init; }
        public long? IncompleteBytes { get; init; }
        /// <summary>Blobs and manifests no model refers to (left by removals and replaced tags); Remove-LocalModel -Orphaned frees them in the module's store.</summary>
        public long? UnreferencedBytes { get; init; }
        /// <summary>The runner's inference engine (<c>docker model df</c>), for Docker Model Runner.</summary>
        public long? EngineBytes { get; init; }
        /// <summary>The module's response cache, on the module's store row.</summary>
        public long? CacheBytes { get; init; }
        /// <summary>Free space of the volume that holds the store, for this user.</summary>
        public long? FreeBytes { get; init; }
        public long? VolumeBytes { get; init; }
        /// <summary>Why some figures are missing (the runner is not running, a store could not be read).</summary>
        public string? Note { get; init; }

        public override string ToString() => Store.ToString();
    }
}
