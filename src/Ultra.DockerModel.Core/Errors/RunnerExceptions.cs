namespace Ultra.DockerModel
{
    // One type per failure a script may want to catch; the message says what to do about it.

    public sealed class PluginMissingException : DockerModelException
    {
        public PluginMissingException(string raw) : base(ErrorKind.PluginMissing,
            "The Docker Model Runner CLI plugin is not installed ('docker model' is not a docker command). " +
            "On Docker Desktop, update it and enable Model Runner in Settings > AI; on Linux install the " +
            "docker-model-plugin package (for example 'sudo apt-get install docker-model-plugin').", raw) { }
    }

    public sealed class RunnerNotRunningException : DockerModelException
    {
        public RunnerNotRunningException(string raw) : base(ErrorKind.RunnerNotRunning,
            "Docker Model Runner is not running. Enable it with 'docker desktop enable model-runner' (Docker Desktop) " +
            "or start it with 'docker model start-runner' (Docker Engine), then try again.", raw) { }
    }

    public sealed class RunnerUnreachableException : DockerModelException
    {
        public RunnerUnreachableException(string detail, string? raw = null) : base(ErrorKind.RunnerUnreachable,
            $"Docker Model Runner could not be reached: {detail} Check that Docker is running and that MODEL_RUNNER_HOST, " +
            "if set, points to the runner.", raw ?? detail) { }
    }

    public sealed class ModelNotFoundException : DockerModelException
    {
        public ModelNotFoundException(string model, string? raw = null, bool suggestInstall = true) : base(ErrorKind.ModelNotFound,
            suggestInstall
                ? $"Model '{model}' is not installed. Run 'Install-LocalModel {model}' to pull it (or add -AutoPull to pull it on first use); 'Get-LocalModel' lists the installed models."
                : $"Model '{model}' was not found in the registry. Check the name and tag (for example '{RegistryExample(model)}').",
            raw) { Model = model; }

        // Models that exist on Docker Hub; the example offered is never the repository that just failed.
        private static readonly string[] Examples = { "ai/smollm2", "ai/llama3.2:1B-Q8_0", "ai/qwen2.5:0.5B-F16" };

        private static string RegistryExample(string model)
        {
            string failed = ModelReference.IsValid(model) ? ModelReference.Repository(ModelReference.Normalize(model)) : "";
            foreach (string example in Examples)
                if (ModelReference.Repository(ModelReference.Normalize(example)) != failed) return example;
            return Examples[0];
        }

        /// <summary>For a provider that is not the local runner, where Install-LocalModel is no cure.</summary>
        internal ModelNotFoundException(string model, string? raw, string message) : base(ErrorKind.ModelNotFound, message, raw) { Model = model; }
    }

    public sealed class ModelPullException : DockerModelException
    {
        public ModelPullException(string model, string detail, string raw) : base(ErrorKind.PullFailed,
            $"Pulling model '{model}' failed: {detail}", raw) { Model = model; }
    }

    public sealed class ModelOutOfMemoryException : DockerModelException
    {
        public ModelOutOfMemoryException(string? model, string raw) : base(ErrorKind.OutOfMemory,
            $"Model '{model}' could not be loaded: not enough memory. Choose a smaller model or quantization " +
            "(for example 'ai/smollm2' or a Q4 tag), or close other models with 'docker model unload --all'.", raw) { Model = model; }
    }

    public sealed class ContextTooLongException : DockerModelException
    {
        public ContextTooLongException(string? model, string raw) : base(ErrorKind.ContextTooLong,
            $"The prompt is longer than the context window of model '{model}'. Shorten it, or raise the context size " +
            "with 'docker model configure --context-size 8192 <model>'.", raw) { Model = model; }
    }
}
