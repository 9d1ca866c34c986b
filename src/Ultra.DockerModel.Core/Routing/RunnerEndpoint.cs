using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// Where Docker Model Runner's OpenAI-compatible HTTP API is reachable from this host, for the environment docker
    /// runs in: MODEL_RUNNER_HOST (the CLI talks to it too), else the <c>endpointHost</c> of
    /// <c>docker model status --json</c> when it is a TCP URL (Docker Engine: localhost:12434), else, for Docker Desktop
    /// (which reports a socket-relative one), localhost:12434, where its host TCP support listens once enabled.
    /// </summary>
    /// <remarks>
    /// What status said is remembered per environment (the docker on PATH, DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG and
    /// its config.json, which `docker context use` rewrites), so only the first call of a session starts a process; a
    /// caller that then fails to reach the endpoint calls <see cref="Forget"/> and the next call asks again. "No TCP endpoint" is remembered for a short while only, so
    /// that enabling TCP is noticed soon. One instance serves every runspace of a session (the environment is the
    /// process's): it is thread-safe, and parallel first calls share one lookup.
    /// </remarks>
    public sealed class RunnerEndpoint
    {
        private static readonly TimeSpan NoneFor = TimeSpan.FromSeconds(30);
        private const string DesktopTcpHost = "localhost";
        private const int DesktopTcpPort = 12434;
        private static readonly string DesktopTcp = $"http://{DesktopTcpHost}:{DesktopTcpPort}/engines/v1";

        private readonly DockerModelClient _docker;
        private readonly object _gate = new();
        private Lookup? _last; // the latest lookup, finished or under way; replaced, never changed

        public RunnerEndpoint(DockerModelClient docker) => _docker = docker;

        /// <summary>What one <c>docker model status --json</c> said: the endpoint (null: none over TCP), and when.</summary>
        private sealed class Answer
        {
            public Answer(string? url) => Url = url;
            public string? Url { get; }
            public DateTime At { get; } = DateTime.UtcNow;
        }

        /// <summary>One lookup for one environment; faults with the runner's error (docker, plugin or runner missing).</summary>
        private sealed class Lookup
        {
            public Lookup(string key, Task<Answer> answer)
            {
                Key = key;
                Answer = answer;
            }

            public string Key { get; }
            public Task<Answer> Answer { get; }
        }

        /// <summary>The base URL MODEL_RUNNER_HOST names (as docker's children see it), or null when it is not set.</summary>
        public string? FromEnvironment()
        {
            string? host = _docker.Cli.GetEnvironmentVariable("MODEL_RUNNER_HOST");
            if (string.IsNullOrWhiteSpace(host)) return null;
            return (host!.Contains("://") ? host : "http://" + host).TrimEnd('/') + "/engines/v1";
        }

        /// <summary>
        /// For a call the CLI could carry: the endpoint when one is known to be there, else null (also when docker, the
        /// plugin or the runner is missing: the CLI then says so in its own words).
        /// </summary>
        public async Task<string?> FindAsync(CancellationToken cancellationToken)
        {
            if (FromEnvironment() is { } fromEnvironment) return fromEnvironment;
            try
            {
                return (await Current(rememberNone: true).Answer.WithCancellation(cancellationToken).ConfigureAwait(false)).Url;
            }
            catch (DockerModelException)
            {
                return null;
            }
        }

        /// <summary>For a call only HTTP can carry: the base URL; throws EndpointRequired, or the runner's own error.</summary>
        /// <param name="why">Why the CLI cannot carry this call, when it is the prompt itself (see CliPrompt).</param>
        public async Task<string> ResolveAsync(CancellationToken cancellationToken, string? why = null)
        {
            if (FromEnvironment() is { } fromEnvironment) return fromEnvironment;
            // A remembered "none" is not trusted here: the user may just have enabled TCP, as the error below advises.
            var answer = await Current(rememberNone: false).Answer.WithCancellation(cancellationToken).ConfigureAwait(false);
            return answer.Url ?? throw Missing(why);
        }

        /// <summary>The endpoint failed: ask docker again next time. Returns whether it was the one status had reported.</summary>
        public bool Forget(string url)
        {
            lock (_gate)
            {
                if (_last?.Answer.Status != TaskStatus.RanToCompletion || _last.Answer.Result.Url != url) return false;
                _last = null;
                return true;
            }
        }

        // The lookup to use: the remembered one for this environment, the one under way, or a new one.
        private Lookup Current(bool rememberNone)
        {
            string key = EnvironmentKey();
            lock (_gate)
            {
                if (_last is { } last && last.Key == key && (!last.Answer.IsCompleted || IsStillTrue(last.Answer, rememberNone))) return last;
                // Not bound to the caller's token: the lookup is shared, and its answer serves the calls after this one.
                _last = new Lookup(key, Task.Run(LookUpAsync));
                return _last;
            }
        }

        // An error is never remembered: the next call asks again, and says what is wrong now.
        private static bool IsStillTrue(Task<Answer> done, bool rememberNone) =>
            done.Status == TaskStatus.RanToCompletion && (done.Result.Url != null || (rememberNone && DateTime.UtcNow - done.Result.At < NoneFor));

        // What decides which runner docker talks to, read without starting a process: the docker found on PATH, the
        // variables it reads, and its config.json (`docker context use` rewrites it).
        private string EnvironmentKey()
        {
            var cli = _docker.Cli;
            string? config = cli.GetEnvironmentVariable("DOCKER_CONFIG");
            string configFile = Path.Combine(string.IsNullOrEmpty(config)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker") : config!, "config.json");
            return string.Join("\n", FindOnPath(cli.Executable, cli.GetEnvironmentVariable("PATH")), cli.GetEnvironmentVariable("DOCKER_HOST"),
                cli.GetEnvironmentVariable("DOCKER_CONTEXT"), config, File.GetLastWriteTimeUtc(configFile).Ticks);
        }

        private static string FindOnPath(string executable, string? path)
        {
            if (Path.IsPathRooted(executable) || string.IsNullOrEmpty(path)) return executable;
            bool windows = Path.DirectorySeparatorChar == '\\';
            foreach (string dir in path!.Split(Path.PathSeparator))
            {
                if (dir.Length == 0) continue;
                string candidate = Path.Combine(dir, executable);
                if (File.Exists(candidate)) return candidate;
                if (windows && File.Exists(candidate + ".exe")) return candidate + ".exe";
            }
            return executable;
        }

        private async Task<Answer> LookUpAsync()
        {
            var status = await _docker.GetEndpointStatusAsync(CancellationToken.None).ConfigureAwait(false);
            if (!status.Running) throw new RunnerNotRunningException("docker model status --json: \"running\":false");
            if (!Uri.TryCreate(status.EndpointHost, UriKind.Absolute, out var uri)) return new Answer(null);
            if (uri.AbsolutePath.IndexOf("/exp/vDD", StringComparison.OrdinalIgnoreCase) < 0) return new Answer(status.EndpointHost);
            // Docker Desktop always reports its socket-relative path; host TCP, when enabled, is on this port.
            bool tcp = status.Kind == "Docker Desktop" && await ListensAsync(DesktopTcpHost, DesktopTcpPort).ConfigureAwait(false);
            return new Answer(tcp ? DesktopTcp : null);
        }

        /// <summary>Whether something accepts TCP connections there (refused at once when nothing listens).</summary>
        private static async Task<bool> ListensAsync(string host, int port)
        {
            using var client = new TcpClient();
            var connect = client.ConnectAsync(host, port);
            var done = await Task.WhenAny(connect, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
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
