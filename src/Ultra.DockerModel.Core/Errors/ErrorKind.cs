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
    }
}
