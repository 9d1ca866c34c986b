using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
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

        public virtual async Task<IChatClient> CreateAsync(LlmProvider provider, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            string model = provider.Model!;
            if (provider.Kind == LlmProviderKind.OpenAICompatible)
                return new OpenAIChatClient(provider.Endpoint!, model, ApiKey(provider), apiKeyVariable: NullIfEmpty(provider.ApiKeyEnvironmentVariable));

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
            var http = new OpenAIChatClient(url, model, null, isDockerModelRunner: true);
            if (provider.Endpoint != null) return http;
            return new ReportedEndpointClient(http, Endpoint, url,
                provider.Transport == LlmTransport.Auto && cliCan ? () => new DockerCliChatClient(Docker.Cli, model) : null);
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
