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
