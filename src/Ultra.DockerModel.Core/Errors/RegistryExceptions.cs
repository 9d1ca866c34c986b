using System;

namespace Ultra.DockerModel
{
    // Failures of a pull straight from a registry (no Docker) and of the model stores on disk.

    public sealed class RegistryUnreachableException : DockerModelException
    {
        public RegistryUnreachableException(string registry, string detail, Exception? inner = null) : base(ErrorKind.RegistryUnreachable,
            $"The registry {registry} could not be reached: {detail} Check the network, a proxy (HTTPS_PROXY) or the registry's address.",
            detail, inner) { Registry = registry; }

        public string Registry { get; }
    }

    public sealed class RegistryAuthenticationException : DockerModelException
    {
        public RegistryAuthenticationException(string model, string registry, string detail, string? raw = null) : base(ErrorKind.AuthenticationFailed,
            $"The registry {registry} refused to serve '{model}': {detail} Pulls without Docker are anonymous, so only public models can be pulled this way.",
            raw) { Model = model; }
    }

    public sealed class DigestMismatchException : DockerModelException
    {
        public DigestMismatchException(string model, string what, string expected, string actual) : base(ErrorKind.DigestMismatch,
            $"'{model}': {what} does not match its digest (expected {expected}, got {actual}); it was not kept. " +
            "The registry or something between it and you changed the data: try again, and report it if it persists.")
        { Model = model; }
    }

    public sealed class DiskFullException : DockerModelException
    {
        public DiskFullException(string path, Exception inner) : base(ErrorKind.DiskFull,
            $"The disk holding '{path}' is full. Free some space (Remove-LocalModel), or point the module's model store elsewhere " +
            "(ULTRA_DOCKERMODEL_MODELS_PATH); the partial download stays there and resumes next time.", inner.Message, inner) { }
    }

    public sealed class NotAModelException : DockerModelException
    {
        public NotAModelException(string model, string reason) : base(ErrorKind.NotAModel,
            $"'{model}' is not a model Docker Model Runner could run: {reason}") { Model = model; }
    }

    public sealed class ModelStoreException : DockerModelException
    {
        public ModelStoreException(string path, string detail, Exception? inner = null) : base(ErrorKind.StoreInvalid,
            $"The model store file '{path}' {detail}", inner?.Message, inner) { }
    }

    /// <summary>Install-LocalModel -Source Auto found neither Docker Model Runner nor the model's registry.</summary>
    public sealed class NoModelSourceException : DockerModelException
    {
        public NoModelSourceException(string model, DockerModelException runner, RegistryUnreachableException registry) : base(ErrorKind.RegistryUnreachable,
            $"'{model}' cannot be installed: Docker Model Runner is not available here ({RunnerReason(runner.Kind)}) and the registry {registry.Registry} could not be reached ({registry.RawError?.TrimEnd('.')}).",
            registry.RawError, registry) { Model = model; }

        private static string RunnerReason(ErrorKind kind) => kind switch
        {
            ErrorKind.DockerNotInstalled => "the docker command was not found",
            ErrorKind.PluginMissing => "the docker model plugin is not installed",
            ErrorKind.RunnerNotRunning => "it is not running",
            _ => "it could not be reached",
        };
    }
}
