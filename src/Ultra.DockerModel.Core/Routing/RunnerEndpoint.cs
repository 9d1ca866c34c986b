using System;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// Finds the runner's OpenAI-compatible base URL reachable from this host: MODEL_RUNNER_HOST, else the
    /// <c>endpointHost</c> of <c>docker model status --json</c> when it is a TCP URL (Docker Desktop reports a
    /// socket-relative one unless host TCP is enabled). Cached briefly: each lookup costs a process start.
    /// </summary>
    internal static class RunnerEndpoint
    {
        private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(60);
        private static (string? Url, DateTime At) _cached;

        public static async Task<string?> ResolveAsync(DockerModelClient docker, CancellationToken cancellationToken)
        {
            string? host = Environment.GetEnvironmentVariable("MODEL_RUNNER_HOST");
            if (!string.IsNullOrWhiteSpace(host))
                return (host!.Contains("://") ? host : "http://" + host).TrimEnd('/') + "/engines/v1";
            if (DateTime.UtcNow - _cached.At < CacheFor) return _cached.Url;
            var status = await docker.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            string? url = status.IsRunning && Uri.TryCreate(status.EndpointHost, UriKind.Absolute, out var uri)
                && uri.AbsolutePath.IndexOf("/exp/vDD", StringComparison.OrdinalIgnoreCase) < 0
                ? status.EndpointHost : null;
            _cached = (url, DateTime.UtcNow);
            return url;
        }

        /// <param name="why">Why the CLI cannot carry this call, when it is the prompt itself (see CliPrompt).</param>
        public static DockerModelException Missing(string? why = null) => new(ErrorKind.EndpointRequired,
            (why is null ? "" : why + " ") +
            "This call needs Docker Model Runner's HTTP API (a system prompt, temperature, max tokens, a conversation, a prompt the CLI would rewrite, or -Transport Http), " +
            "but no TCP endpoint is reachable. Enable it with 'docker desktop enable model-runner --tcp 12434' (Docker Desktop), " +
            "or set MODEL_RUNNER_HOST (for example http://localhost:12434); options are never dropped silently.");
    }
}
