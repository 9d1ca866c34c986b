using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// The runner's HTTP API at an endpoint <see cref="RunnerEndpoint"/> found. When it cannot be reached (or says the
    /// runner is not running) before the answer starts, the endpoint is forgotten, so the next call asks docker again;
    /// and when the CLI can carry this call and the endpoint was one docker had reported, the call goes over the CLI:
    /// a runner that moved costs one process start, not an error.
    /// </summary>
    internal sealed class ReportedEndpointClient : IChatClient
    {
        private readonly IChatClient _http;
        private readonly RunnerEndpoint _endpoint;
        private readonly string _url;
        private readonly Func<IChatClient>? _cli;

        /// <param name="cli">The CLI client to use instead, when the CLI can carry the call.</param>
        public ReportedEndpointClient(IChatClient http, RunnerEndpoint endpoint, string url, Func<IChatClient>? cli)
        {
            _http = http;
            _endpoint = endpoint;
            _url = url;
            _cli = cli;
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            bool started = false, overCli = false;
            var updates = _http.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    try
                    {
                        if (!await updates.MoveNextAsync().ConfigureAwait(false)) break;
                    }
                    catch (DockerModelException e) when (!started && e.Kind is ErrorKind.RunnerUnreachable or ErrorKind.RunnerNotRunning)
                    {
                        bool reported = _endpoint.Forget(_url);
                        if (!reported || _cli is null || e.Kind != ErrorKind.RunnerUnreachable) throw;
                        overCli = true;
                        break;
                    }
                    started = true;
                    yield return updates.Current;
                }
            }
            finally
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
            if (!overCli) yield break;
            using var cli = _cli!();
            await foreach (var update in cli.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
                yield return update;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => _http.GetService(serviceType, serviceKey);

        public void Dispose() => _http.Dispose();
    }
}
