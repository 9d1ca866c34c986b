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
        public ChatClientFactory(DockerModelClient docker) => Docker = docker;

        public DockerModelClient Docker { get; }

        public virtual async Task<IChatClient> CreateAsync(LlmProvider provider, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
        {
            string model = provider.Model!;
            if (provider.Kind == LlmProviderKind.OpenAICompatible)
                return new OpenAIChatClient(provider.Endpoint!, model, ApiKey(provider), apiKeyVariable: NullIfEmpty(provider.ApiKeyEnvironmentVariable),
                    providerName: provider.Name);

            bool plain = ChatRequest.IsPlainPrompt(messages, options);
            if (provider.Transport == LlmTransport.Cli && !plain)
                throw new DockerModelException(ErrorKind.InvalidInvocation,
                    $"-Transport Cli cannot carry {ChatRequest.CliCannotCarry}: the docker CLI has no way to pass them. Use -Transport Http.");
            // The CLI refuses (InvalidInvocation) a prompt it would rewrite; Auto sends such a prompt over HTTP instead.
            string? cliProblem = plain ? CliPrompt.Problem(messages[0].Text) : null;
            if (provider.Transport == LlmTransport.Cli || (provider.Transport == LlmTransport.Auto && plain && cliProblem is null))
                return new DockerCliChatClient(Docker.Cli, model);

            string endpoint = provider.Endpoint ?? await RunnerEndpoint.ResolveAsync(Docker, cancellationToken, cliProblem).ConfigureAwait(false);
            return new OpenAIChatClient(endpoint, model, null, isDockerModelRunner: true, providerName: provider.Name);
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
