namespace Ultra.DockerModel
{
    /// <summary>What went wrong, in the terms a script decides on. The PowerShell layer maps each to an ErrorCategory.</summary>
    public enum ErrorKind
    {
        Unknown,
        DockerNotInstalled,
        PluginMissing,
        RunnerNotRunning,
        RunnerUnreachable,
        ModelNotFound,
        PullFailed,
        OutOfMemory,
        ContextTooLong,
        InvalidModelName,
        InvalidInvocation,
        Timeout,
        AuthenticationFailed,
        RateLimited,
        ServerError,
        StreamInterrupted,
        EndpointRequired,
        SettingsInvalid,
        AllProvidersFailed,
        /// <summary>The embedded engine cannot run in this session (host too old, files or native libraries missing).</summary>
        EngineUnavailable,
        /// <summary>A GGUF file the embedded engine cannot use (corrupt, truncated, not a language model, unknown chat template).</summary>
        ModelLoadFailed,
        RegistryUnreachable,
        DigestMismatch,
        DiskFull,
        NotAModel,
        StoreInvalid,
        SchemaMismatch,
        TemplateNotFound,
        /// <summary>The model is busy answering a request, so it cannot be reconfigured or unloaded now.</summary>
        ModelInUse,
    }
}
