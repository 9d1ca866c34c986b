using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Providers;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// Builds the chat client for one provider and one request (for Docker Model Runner: the CLI or the HTTP API).
    /// Not sealed so that tests can hand the router scripted clients.
    /// </summary>
    public class ChatClientFactory
    {
        /// <param name="endpoint">Where the runner's HTTP API is (the session's, so it is looked up once); a new one when null.</param>
        public ChatClientFactory(DockerModelClient docker, RunnerEndpoint? endpoint = null)
        {
            Docker = docker;
            Endpoint = endpoint ?? new RunnerEndpoint(docker);
        }

        public DockerModelClient Docker { get; }

        public RunnerEndpoint Endpoint { get; }

        /// <summary>Where an Embedded provider's engine comes from (loaded on first use).</summary>
        public EmbeddedEngineHost EmbeddedEngine { get; init; } = EmbeddedEngineHost.Default;

        /// <summary>Context size, threads and idle time for Embedded providers.</summary>
        public EngineOptions EngineOptions { get; init; } = new();

        /// <summary>Receives llama.cpp's log lines of the call (Embedded providers).</summary>
        public IEngineLog? EngineLog { get; init; }

        /// <summary>The GGUF file a store on disk holds for a Docker model name, or null (Embedded providers).</summary>
        public Func<string, string?>? FindInStores { get; init; }

        /// <summary>Pulls a Docker model from its registry into the module's store, without Docker (Embedded providers, -AutoPull).</summary>
        public Func<string, IProgress<PullProgress>, CancellationToken, Task>? PullToStore { get; init; }

        /// <summary>Whether -AutoPull can fetch this provider's model: Docker Model Runner's, or an Embedded one named like a Docker model.</summary>
        public bool CanPull(LlmProvider provider) => provider.Kind == LlmProviderKind.DockerModelRunner
            || (provider.Kind == LlmProviderKind.Embedded && PullToStore != null && !EmbeddedModelFile.IsPath(provider.Model!));

        /// <summary>Pulls the provider's model: through `docker model pull`, or from the registry into the module's store.</summary>
        public virtual Task PullAsync(LlmProvider provider, IProgress<PullProgress> progress, CancellationToken cancellationToken) =>
            provider.Kind == LlmProviderKind.Embedded
                ? PullToStore!(provider.Model!, progress, cancellationToken)
                : Docker.PullAsync(provider.Model!, progress, cancellationToken);

        public virtual async Task<IChatClient> CreateAsync(LlmProvider provider, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            string model = provider.Model!;
            if (provider.Kind == LlmProviderKind.OpenAICompatible)
                return new OpenAIChatClient(provider.Endpoint!, model, ApiKey(provider), apiKeyVariable: NullIfEmpty(provider.ApiKeyEnvironmentVariable),
                    providerName: provider.Name);
            if (provider.Kind == LlmProviderKind.Embedded)
            {
                string file = EmbeddedModelFile.Resolve(model, FindInStores);
                return EmbeddedEngine.GetEngine().CreateChatClient(file, EngineOptions with { DisplayName = model }, EngineLog);
            }

            bool plain = ChatRequest.IsPlainPrompt(messages, options);
            if (provider.Transport == LlmTransport.Cli && !plain)
                throw new DockerModelException(ErrorKind.InvalidInvocation,
                    $"-Transport Cli cannot carry {ChatRequest.CliCannotCarry}: the docker CLI has no way to pass them. Use -Transport Http.");
            // The CLI refuses (InvalidInvocation) a prompt it would rewrite; Auto sends such a prompt over HTTP instead.
            string? cliProblem = plain ? CliPrompt.Problem(messages[0].Text) : null;
            if (provider.Transport == LlmTransport.Cli) return new DockerCliChatClient(Docker.Cli, model);
            bool cliCan = plain && cliProblem is null;
            string? url = provider.Endpoint;
            if (provider.Transport == LlmTransport.Auto && cliCan)
            {
                // The fastest transport that can carry the call: HTTP (no process start) when the runner's API is known to
                // be there, else the CLI.
                url ??= await Endpoint.FindAsync(cancellationToken).ConfigureAwait(false);
                if (url is null) return new DockerCliChatClient(Docker.Cli, model);
            }
            url ??= await Endpoint.ResolveAsync(cancellationToken, cliProblem).ConfigureAwait(false);
            var http = new OpenAIChatClient(url, model, null, isDockerModelRunner: true, providerName: provider.Name);
            if (provider.Endpoint != null) return http;
            return new ReportedEndpointClient(http, Endpoint, url,
                provider.Transport == LlmTransport.Auto && cliCan ? () => new DockerCliChatClient(Docker.Cli, model) : null);
        }

        /// <summary>
        /// The embeddings client for one provider: an OpenAI-compatible <c>/embeddings</c>, or the runner's
        /// <c>/engines/v1/embeddings</c> (the docker CLI has no embeddings command, so the runner needs its HTTP API).
        /// </summary>
        public virtual async Task<IEmbeddingGenerator<string, Embedding<float>>> CreateEmbeddingGeneratorAsync(LlmProvider provider, CancellationToken cancellationToken)
        {
            string model = provider.Model!;
            if (provider.Kind == LlmProviderKind.OpenAICompatible)
                return new OpenAIEmbeddingClient(provider.Endpoint!, model, ApiKey(provider), apiKeyVariable: NullIfEmpty(provider.ApiKeyEnvironmentVariable));
            if (provider.Kind == LlmProviderKind.Embedded)
                return EmbeddedEngine.GetEngine().CreateEmbeddingGenerator(EmbeddedModelFile.Resolve(model, FindInStores), EngineOptions with { DisplayName = model }, EngineLog);
            // A kind added later answers here once it says how; never the runner's path by mistake.
            if (provider.Kind != LlmProviderKind.DockerModelRunner)
                throw new DockerModelException(ErrorKind.InvalidInvocation, $"Provider '{provider.Name}' ({provider.Kind}) cannot make embeddings yet.");
            const string why = "The docker CLI has no embeddings command.";
            if (provider.Transport == LlmTransport.Cli)
                throw new DockerModelException(ErrorKind.InvalidInvocation, why + " -Transport Cli cannot carry embeddings: use -Transport Http or Auto.");
            string endpoint = provider.Endpoint ?? await Endpoint.ResolveAsync(cancellationToken, why).ConfigureAwait(false);
            return new OpenAIEmbeddingClient(endpoint, model, null, isDockerModelRunner: true);
        }

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

        private static string? ApiKey(LlmProvider provider)
        {
            if (string.IsNullOrEmpty(provider.ApiKeyEnvironmentVariable)) return null;
            string? key = Environment.GetEnvironmentVariable(provider.ApiKeyEnvironmentVariable);
            if (string.IsNullOrEmpty(key))
                throw new DockerModelException(ErrorKind.AuthenticationFailed,
                    $"Provider '{provider.Name}' reads its API key from the environment variable {provider.ApiKeyEnvironmentVariable}, which is not set.");
            return key;
        }
    }
}
