using System;

namespace Ultra.DockerModel
{
    /// <summary>
    /// The base of every error this module raises. <see cref="ErrorId"/> is stable (scripts and tests match on it);
    /// <see cref="RawError"/> keeps what the child process or server said, unaltered.
    /// </summary>
    public class DockerModelException : Exception
    {
        public DockerModelException(ErrorKind kind, string message, string? rawError = null, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
            RawError = rawError;
        }

        public ErrorKind Kind { get; }
        public string ErrorId => Kind.ToString();
        public string? RawError { get; }
        public string? Model { get; internal set; }
        public int? ExitCode { get; internal set; }
        /// <summary>How long the server asked us to wait before trying again (HTTP Retry-After).</summary>
        public TimeSpan? RetryAfter { get; internal set; }
        /// <summary>Text already written before a failure mid-answer.</summary>
        public string? PartialText { get; internal set; }

        /// <summary>The provider could not serve the call at all, so another provider may (a fallback trigger).</summary>
        public bool IsUnavailable => Kind is ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing or ErrorKind.RunnerNotRunning
            or ErrorKind.RunnerUnreachable or ErrorKind.ModelNotFound or ErrorKind.RateLimited or ErrorKind.ServerError
            or ErrorKind.Timeout or ErrorKind.OutOfMemory or ErrorKind.EndpointRequired
            or ErrorKind.EngineUnavailable or ErrorKind.ModelLoadFailed;
    }

    public sealed class DockerNotInstalledException : DockerModelException
    {
        public DockerNotInstalledException(string executable, Exception? inner = null)
            : base(ErrorKind.DockerNotInstalled,
                $"The '{executable}' command was not found on PATH. Install Docker Desktop (Windows, macOS) or Docker Engine " +
                "with the docker-model-plugin package (Linux), then check with Get-LocalModelRunner.", null, inner) { }
    }

    public sealed class InvalidModelNameException : DockerModelException
    {
        public InvalidModelNameException(string name)
            : base(ErrorKind.InvalidModelName,
                $"'{name}' is not a valid model name. A model name looks like 'ai/smollm2', 'ai/llama3.2:1B-Q8_0' or " +
                "'hf.co/org/repo:Q4_K_M': parts of letters and digits joined by '.', '_' or '-' and separated by '/', then " +
                "an optional ':tag'; no spaces, no empty or '..' parts.")
        { Model = name; }

        /// <summary>A name the runner itself refused, in its own words.</summary>
        internal InvalidModelNameException(string name, string raw, string message)
            : base(ErrorKind.InvalidModelName, message, raw)
        { Model = name; }
    }
}
