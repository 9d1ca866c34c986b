using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// Finds the runner's OpenAI-compatible base URL reachable from this host: MODEL_RUNNER_HOST, else the
    /// <c>endpointHost</c> of <c>docker model status --json</c> when it is a TCP URL, else (Docker Desktop, which
    /// reports a socket-relative one) localhost:12434, where host TCP support listens once enabled.
    /// A found endpoint is cached briefly (each lookup costs a process start); a missing one is not, so the call
    /// after the user enables TCP finds it.
    /// </summary>
    internal static class RunnerEndpoint
    {
        private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(60);
        private static (DockerModelClient? Docker, string? Url, DateTime At) _cached;
        private const string DesktopTcpHost = "localhost";
        private const int DesktopTcpPort = 12434;
        private static readonly string DesktopTcp = $"http://{DesktopTcpHost}:{DesktopTcpPort}/engines/v1";

        /// <summary>The base URL; throws when there is none (EndpointRequired) or the runner cannot be used at all.</summary>
        public static async Task<string> ResolveAsync(DockerModelClient docker, CancellationToken cancellationToken, string? why = null)
        {
            string? host = Environment.GetEnvironmentVariable("MODEL_RUNNER_HOST");
            if (!string.IsNullOrWhiteSpace(host))
                return (host!.Contains("://") ? host : "http://" + host).TrimEnd('/') + "/engines/v1";
            var cached = _cached;
            if (ReferenceEquals(cached.Docker, docker) && cached.Url != null && DateTime.UtcNow - cached.At < CacheFor) return cached.Url;

            var status = await docker.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            // Say what is really wrong: no docker, no plugin or a stopped runner is not cured by enabling TCP.
            if (!status.DockerInstalled) throw new DockerNotInstalledException(docker.Cli.Executable);
            if (!status.PluginInstalled) throw new PluginMissingException(status.Message ?? "");
            if (!status.IsRunning)
                throw status.Message == NotRunningMessage ? new RunnerNotRunningException(status.Message)
                    : new RunnerUnreachableException(status.Message ?? "docker model status failed.");

            string? url = !Uri.TryCreate(status.EndpointHost, UriKind.Absolute, out var uri) ? null
                : uri.AbsolutePath.IndexOf("/exp/vDD", StringComparison.OrdinalIgnoreCase) < 0 ? status.EndpointHost
                // Docker Desktop always reports its socket-relative path; host TCP, when enabled, is on this port.
                : status.Kind == "Docker Desktop" && await ListensAsync(DesktopTcpHost, DesktopTcpPort, cancellationToken).ConfigureAwait(false) ? DesktopTcp
                : null;
            if (url is null) throw Missing(why);
            _cached = (docker, url, DateTime.UtcNow);
            return url;
        }

        private static readonly string NotRunningMessage = new RunnerNotRunningException("").Message;

        /// <summary>Whether something accepts TCP connections there (refused at once when nothing listens).</summary>
        private static async Task<bool> ListensAsync(string host, int port, CancellationToken cancellationToken)
        {
            using var client = new TcpClient();
            var connect = client.ConnectAsync(host, port);
            var done = await Task.WhenAny(connect, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (done != connect)
            {
                _ = connect.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                return false;
            }
            return connect.Status == TaskStatus.RanToCompletion;
        }

        /// <param name="why">Why the CLI cannot carry this call, when it is the prompt itself (see CliPrompt).</param>
        public static DockerModelException Missing(string? why = null) => new(ErrorKind.EndpointRequired,
            (why is null ? "" : why + " ") +
            "This call needs Docker Model Runner's HTTP API (a system prompt, a conversation, sampling options such as -Temperature or -Seed, a schema, a prompt the CLI would rewrite, or -Transport Http), " +
            "but no TCP endpoint is reachable. Enable it with 'docker desktop enable model-runner --tcp 12434' (Docker Desktop), " +
            "or set MODEL_RUNNER_HOST (for example http://localhost:12434); options are never dropped silently.");
    }
}
