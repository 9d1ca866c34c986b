using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Turns a failed <c>docker model</c> run into a typed exception. The plugin exits 1 for every error, so the
    /// stderr text (ANSI codes removed) is the only way to tell "not running" from "not found" or "out of memory".
    /// </summary>
    public static class DockerErrorClassifier
    {
        private static readonly Regex Ansi = new(@"\x1b\[[0-9;?]*[A-Za-z]", RegexOptions.CultureInvariant);
        // "Failed to generate a response: error response: status=429 body=..." (the runner's HTTP status, passed through)
        private static readonly Regex HttpStatus = new(@"\bstatus=(\d{3})\b", RegexOptions.CultureInvariant);
        // "Failed to pull model: pulling X failed with status 500 Internal Server Error: <body>": the runner answered the pull.
        private static readonly Regex PullStatus = new(@"failed with status (\d{3})\b", RegexOptions.CultureInvariant);
        // The Go network error at the end of a registry failure: "dial tcp: lookup registry-1.docker.io ...: no such host".
        private static readonly Regex NetworkCause = new(@"(dial tcp|net/http:|tls:|read tcp|write tcp)[^\n]*", RegexOptions.CultureInvariant);
        private static readonly string[] NetworkFailures =
        {
            "no such host", "i/o timeout", "connection refused", "TLS handshake timeout", "network is unreachable",
            "connection reset by peer", "server misbehaving", "Temporary failure in name resolution", "x509:", "proxyconnect",
        };

        public static string StripAnsi(string text) => Ansi.Replace(text, "");

        public static DockerModelException Classify(string stderr, int exitCode, string? model = null)
        {
            string text = StripAnsi(stderr ?? "").Trim();
            string firstLine = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? $"docker exited with code {exitCode}";
            var statusMatch = HttpStatus.Match(text);
            int status = statusMatch.Success ? int.Parse(statusMatch.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            DockerModelException e;

            // Without the plugin, docker itself parses the flags: "unknown flag: --json" with docker's own usage, exit 125.
            if (Has(text, "is not a docker command", "unknown command: docker model")
                || (Has(text, "unknown flag") && Has(text, "Usage:  docker [OPTIONS] COMMAND")))
                e = new PluginMissingException(stderr ?? "");
            // configure prints desktop.ErrServiceUnavailable (any HTTP 503) bare, without the not-running block.
            else if (Has(text, "Docker Model Runner is not running") || firstLine == "service unavailable")
                e = new RunnerNotRunningException(stderr ?? "");
            else if (Has(text, "Failed to pull model"))
                e = PullError(text, firstLine, stderr ?? "", model ?? "");
            else if (Has(text, "inference backend took too long to initialize"))
                e = new DockerModelException(ErrorKind.Timeout,
                    $"Model '{model}' did not finish loading: the runner's inference backend took too long to initialize (Docker Model Runner " +
                    "waits 5 minutes). A large model on a slow disk or CPU can take that long; try again, or look at 'docker model logs'.", stderr);
            else if (Has(text, "not enough GPU memory", "cudaMalloc failed", "failed to allocate buffer", "model too big", "out of memory"))
                e = new ModelOutOfMemoryException(model, stderr ?? "");
            else if (Has(text, "exceed_context_size_error", "exceeds the available context size"))
                e = new ContextTooLongException(model, stderr ?? "");
            else if (Has(text, "connection refused", "error querying", "no such host", "Cannot connect to the Docker daemon", "i/o timeout", "took too long to initialize"))
                e = new RunnerUnreachableException(firstLine, stderr);
            else if (Has(text, "model not found", "no such model"))
                e = new ModelNotFoundException(model ?? "", stderr);
            else if (Has(text, "runner already active"))
                e = new DockerModelException(ErrorKind.ModelInUse,
                    $"Model '{model}' is answering a request, so the runner cannot change its configuration now. Try again when it is idle.", stderr);
            else if (Has(text, "is not allowed for backend", "paths are not allowed", "value cannot start with '-'", "invalid mode", "invalid keep_alive",
                "Exactly one model must be specified", "requires MODEL unless", "does not take MODEL"))
                e = new DockerModelException(ErrorKind.InvalidInvocation, $"docker model refused the request: {firstLine}", stderr);
            else if (Has(text, "must be forced"))
                e = new DockerModelException(ErrorKind.InvalidInvocation,
                    $"Model '{model}' has several tags; remove it with -Force to delete them all, or name one tag to remove just that tag.", stderr);
            else if (Has(text, "terminated unexpectedly", "exit status 0xc", "unable to load runner", "GGUF file required"))
                e = new DockerModelException(ErrorKind.ServerError, $"The runner could not load or run the model: {firstLine}", stderr);
            else if (status is 401 or 403)
                e = new DockerModelException(ErrorKind.AuthenticationFailed, $"Docker Model Runner refused the request (HTTP {status}): {firstLine}", stderr);
            else if (status == 429)
                e = new DockerModelException(ErrorKind.RateLimited, $"Docker Model Runner is rate-limiting requests (HTTP 429): {firstLine}", stderr);
            else if (status >= 500)
                e = new DockerModelException(ErrorKind.ServerError, $"Docker Model Runner failed (HTTP {status}): {firstLine}", stderr);
            else if (Has(text, "unknown flag", "requires at least", "requires 1 argument", "accepts at most", "must be one of"))
                e = new DockerModelException(ErrorKind.InvalidInvocation, $"docker model rejected the command: {firstLine}", stderr);
            else
                e = new DockerModelException(ErrorKind.Unknown, $"docker model failed: {firstLine}", stderr);

            e.ExitCode = exitCode;
            e.Model ??= model;
            return e;
        }

        /// <summary>
        /// A failed pull, by who failed: the runner refused the name (400), the registry does not have it (404, or 401,
        /// which Docker Hub answers for a repository that does not exist), the runner could not reach the registry (500
        /// with a network error: the network or a proxy, not Docker), or the runner itself could not be reached.
        /// </summary>
        private static DockerModelException PullError(string text, string firstLine, string raw, string model)
        {
            var status = PullStatus.Match(text);
            int code = status.Success ? int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (code == 400 && Has(text, "Invalid model reference"))
                return new InvalidModelNameException(model, raw,
                    $"Docker Model Runner refused '{model}' as a model reference (400 Invalid model reference). A model name looks like " +
                    "'ai/smollm2', 'ai/llama3.2:1B-Q8_0' or 'hf.co/org/repo:Q4_K_M'.");
            if (code == 404 && Has(text, "page not found"))
                return new RunnerUnreachableException(
                    $"it answered the pull with 404 page not found, so the address it was reached at is not the runner's API ({firstLine}).", raw);
            if (code is 404 or 401 || Has(text, "404 Not Found", "401 Unauthorized", "model not found"))
                return new ModelNotFoundException(model, raw, suggestInstall: false);
            if (code == 0 && Has(text, "error querying", "connection refused", "no such host", "i/o timeout"))
                return new RunnerUnreachableException(firstLine, raw); // the runner itself did not answer the pull
            if (code >= 500 && Has(text, NetworkFailures))
            {
                string cause = NetworkCause.Match(text) is { Success: true } m ? m.Value.Trim() : firstLine;
                return new ModelPullException(model,
                    $"the runner could not reach the registry ({cause}). Check the network, DNS and proxy settings of the machine " +
                    "Docker runs on (Docker Desktop: Settings > Resources > Proxies), then try again.", raw);
            }
            return new ModelPullException(model, firstLine.Replace("Failed to pull model: ", ""), raw);
        }

        private static bool Has(string text, params string[] needles) =>
            needles.Any(n => text.IndexOf(n, StringComparison.OrdinalIgnoreCase) >= 0);
    }
}
