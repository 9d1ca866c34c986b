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
            else if (Has(text, "not enough GPU memory", "cudaMalloc failed", "failed to allocate buffer", "model too big", "out of memory"))
                e = new ModelOutOfMemoryException(model, stderr ?? "");
            else if (Has(text, "exceed_context_size_error", "exceeds the available context size"))
                e = new ContextTooLongException(model, stderr ?? "");
            else if (Has(text, "connection refused", "error querying", "no such host", "Cannot connect to the Docker daemon", "i/o timeout", "took too long to initialize"))
                e = new RunnerUnreachableException(firstLine, stderr);
            else if (Has(text, "Failed to pull model") && Has(text, "404 Not Found", "401 Unauthorized", "model not found", "Model not found"))
                e = new ModelNotFoundException(model ?? "", stderr, suggestInstall: false);
            else if (Has(text, "model not found", "no such model"))
                e = new ModelNotFoundException(model ?? "", stderr);
            else if (Has(text, "Failed to pull model"))
                e = new ModelPullException(model ?? "", firstLine.Replace("Failed to pull model: ", ""), stderr ?? "");
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

        private static bool Has(string text, params string[] needles) =>
            needles.Any(n => text.IndexOf(n, StringComparison.OrdinalIgnoreCase) >= 0);
    }
}
