using System;
using System.Text.RegularExpressions;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel
{
    public enum LlmProviderKind
    {
        DockerModelRunner,
        OpenAICompatible,
        /// <summary>In-process llama.cpp (PowerShell 7.6+): Model is a Docker model in a store on disk, or a .gguf file.</summary>
        Embedded,
    }

    /// <summary>How Docker Model Runner is reached: Auto takes the HTTP API when its endpoint is known (else the CLI, unless the call needs HTTP), or always one of them.</summary>
    public enum LlmTransport
    {
        Auto,
        Cli,
        Http,
    }

    /// <summary>One entry of the fallback chain. Holds the NAME of the environment variable with the API key, never the key.</summary>
    public sealed class LlmProvider
    {
        private static readonly Regex EnvName = new(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant);

        public string Name { get; set; } = "";
        public LlmProviderKind Kind { get; set; }
        public string? Model { get; set; }
        /// <summary>The OpenAI base URL (e.g. <c>http://localhost:11434/v1</c>); for Docker Model Runner, an HTTP endpoint to use instead of the discovered one.</summary>
        public string? Endpoint { get; set; }
        public string? ApiKeyEnvironmentVariable { get; set; }
        /// <summary>Seconds to wait for the first piece of the answer before moving on to the next provider.</summary>
        public int? TimeoutSec { get; set; }
        public bool Enabled { get; set; } = true;
        public LlmTransport Transport { get; set; } = LlmTransport.Auto;

        /// <summary>The provider used for <c>Invoke-LocalLlm -Model</c> when no chain entry is named.</summary>
        public static LlmProvider LocalRunner(string model, LlmTransport transport = LlmTransport.Auto) =>
            new() { Name = "DockerModelRunner", Kind = LlmProviderKind.DockerModelRunner, Model = model, Transport = transport };

        /// <summary>A copy, with another model or transport where given: chain entries are never changed in place.</summary>
        public LlmProvider With(string? model = null, LlmTransport? transport = null) => new()
        {
            Name = Name,
            Kind = Kind,
            Model = model ?? Model,
            Endpoint = Endpoint,
            ApiKeyEnvironmentVariable = ApiKeyEnvironmentVariable,
            TimeoutSec = TimeoutSec,
            Enabled = Enabled,
            Transport = transport ?? Transport,
        };

        /// <summary>Whether two entries reach the same model the same way (a chain never tries such a pair twice).</summary>
        public bool SameTarget(LlmProvider other) => Kind == other.Kind
            && string.Equals(Endpoint?.TrimEnd('/'), other.Endpoint?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            && ServesModel(other.Model);

        /// <summary>
        /// Whether this entry answers with <paramref name="model"/>: Docker names compared as Docker normalizes them; for
        /// an Embedded entry, a .gguf path names the file (any spelling of it) and never a Docker model.
        /// </summary>
        public bool ServesModel(string? model) =>
            Kind == LlmProviderKind.Embedded && Model != null && model != null && (EmbeddedModelFile.IsPath(Model) || EmbeddedModelFile.IsPath(model))
                ? EmbeddedModelFile.IsPath(Model) && EmbeddedModelFile.IsPath(model) && EmbeddedModelFile.SameFile(Model, model)
            : Kind != LlmProviderKind.OpenAICompatible && ModelReference.IsValid(Model) && ModelReference.IsValid(model)
                ? ModelReference.Normalize(Model!) == ModelReference.Normalize(model!)
                : string.Equals(Model, model, StringComparison.Ordinal);

        /// <summary>The embedded engine with a Docker model from a store on disk (Invoke-LocalLlm -Model when Docker Model Runner cannot answer).</summary>
        public static LlmProvider EmbeddedModel(string model) =>
            new() { Name = Routing.EmbeddedFallbackRule.ProviderName, Kind = LlmProviderKind.Embedded, Model = model };

        /// <summary>Throws <see cref="DockerModelException"/> (SettingsInvalid) describing the first problem.</summary>
        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(Name)) throw Invalid("A provider needs a Name.");
            if (!Enum.IsDefined(typeof(LlmProviderKind), Kind)) throw Invalid($"Provider '{Name}' has an unknown Kind '{Kind}'; use {KindNames}.");
            if (string.IsNullOrWhiteSpace(Model)) throw Invalid($"Provider '{Name}' needs a Model.");
            if (Kind == LlmProviderKind.DockerModelRunner && !ModelReference.IsValid(Model))
                throw Invalid($"Provider '{Name}': '{Model}' is not a valid Docker model name.");
            if (Kind == LlmProviderKind.Embedded && !EmbeddedModelFile.IsPath(Model!) && !ModelReference.IsValid(Model))
                throw Invalid($"Provider '{Name}': '{Model}' is neither a Docker model name nor a path to a .gguf file.");
            if (Kind == LlmProviderKind.OpenAICompatible && string.IsNullOrWhiteSpace(Endpoint))
                throw Invalid($"Provider '{Name}' (OpenAICompatible) needs an Endpoint such as http://localhost:11434/v1.");
            if (Endpoint != null && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")))
                throw Invalid($"Provider '{Name}': Endpoint '{Endpoint}' is not an http(s) URL.");
            if (ApiKeyEnvironmentVariable != null && !EnvName.IsMatch(ApiKeyEnvironmentVariable))
                throw Invalid($"Provider '{Name}': ApiKeyEnvironmentVariable must be the NAME of an environment variable (letters, digits, _), not the key itself.");
            if (TimeoutSec is <= 0) throw Invalid($"Provider '{Name}': TimeoutSec must be positive.");
        }

        private static DockerModelException Invalid(string message) => new(ErrorKind.SettingsInvalid, message);

        /// <summary>"DockerModelRunner, OpenAICompatible or Embedded", for messages.</summary>
        public static string KindNames
        {
            get
            {
                var names = Enum.GetNames(typeof(LlmProviderKind));
                return string.Join(", ", names, 0, names.Length - 1) + " or " + names[names.Length - 1];
            }
        }

        public override string ToString() => $"{Name} ({Kind}, {Model})";
    }
}
