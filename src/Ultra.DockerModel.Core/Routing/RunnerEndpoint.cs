using System;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// Finds the runner's OpenAI-compatible base URL reachable from this host: MODEL_RUNNER_HOST, else the
    /// <c>endpointHost</c> of <c>docker model status --json</c> when it is a TCP URL, else (Docker Desktop, which
    /// reports a socket-relative one) localhost:12434, where host TCP support listens once enabled.
    /// Cached briefly: each lookup costs a process start.
    /// </summary>
    internal static class RunnerEndpoint
    {
        private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(60);
        private static (string? Url, DateTime At) _cached;
        private const string DesktopTcp = "http://localhost:12434/engines/v1";

        public static async Task<string?> ResolveAsync(DockerModelClient docker, CancellationToken cancellationToken)
        {
            string? host = Environment.GetEnvironmentVariable("MODEL_RUNNER_HOST");
            if (!string.IsNullOrWhiteSpace(host))
                return (host!.Contains("://") ? host : "http://" + host).TrimEnd('/') + "/engines/v1";
            if (DateTime.UtcNow - _cached.At < CacheFor) return _cached.Url;
            var status = await docker.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            string? url = !status.IsRunning || !Uri.TryCreate(status.EndpointHost, UriKind.Absolute, out var uri) ? null
                : uri.AbsolutePath.IndexOf("/exp/vDD", StringComparison.OrdinalIgnoreCase) < 0 ? status.EndpointHost
                // Docker Desktop always reports its socket-relative path; host TCP, when enabled, is on this port.
                : status.Kind == "Docker Desktop" ? DesktopTcp : null;
            _cached = (url, DateTime.UtcNow);
            return url;
        }

        public static DockerModelException Missing() => new(ErrorKind.EndpointRequired,
            "This call needs Docker Model Runner's HTTP API (a system prompt, temperature, max tokens, a conversation or -Transport Http), " +
            "but no TCP endpoint is reachable. Enable it with 'docker desktop enable model-runner --tcp 12434' (Docker Desktop), " +
            "or set MODEL_RUNNER_HOST (for example http://localhost:12434); options are never dropped silently.");
    }
}
