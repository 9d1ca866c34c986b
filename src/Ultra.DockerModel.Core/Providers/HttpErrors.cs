using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel.Providers
{
    /// <summary>Maps an HTTP error answer of an OpenAI-compatible server onto the module's error kinds.</summary>
    internal static class HttpErrors
    {
        // How servers say they do not know a model: OpenAI "model_not_found" / "The model `x` does not exist",
        // Ollama "model \"x\" not found", Docker Model Runner "get model '\"x\"': model not found".
        private static readonly Regex UnknownModel = new(@"model_not_found|model\b.{0,120}\b(not found|does not exist)",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Singleline);

        /// <param name="apiKeyVariable">The NAME of the variable the key came from (never the key), to say what to fix on 401/403.</param>
        /// <param name="endpoint">The base URL the request went to.</param>
        /// <param name="providerName">The chain entry's name, so an error that stops the chain says whose it is.</param>
        public static DockerModelException FromResponse(HttpStatusCode status, string body, RetryConditionHeaderValue? retryAfter, string model, bool isDockerModelRunner,
            string? apiKeyVariable = null, string? endpoint = null, string? providerName = null)
        {
            int code = (int)status;
            string detail = body.Trim();
            if (detail.Length > 500) detail = detail.Substring(0, 500) + "...";
            string text = $"HTTP {code}: {detail}";
            string at = endpoint ?? "its endpoint";
            string who = providerName is null ? $"The provider at {at}" : $"Provider '{providerName}' at {at}";
            DockerModelException e = code switch
            {
                401 or 403 => new DockerModelException(ErrorKind.AuthenticationFailed, apiKeyVariable is null
                    ? $"{who} refused the request (HTTP {code}): it needs an API key. Name the environment variable that holds it with ApiKeyEnvironmentVariable (New-LlmProvider, Set-LlmProviderFallback)."
                    : $"{who} refused the credentials (HTTP {code}). Check the API key in the environment variable {apiKeyVariable}.", text),
                429 => new DockerModelException(ErrorKind.RateLimited, $"{who} is rate-limiting requests (HTTP 429).", text),
                404 when UnknownModel.IsMatch(body) => isDockerModelRunner ? new ModelNotFoundException(model, text)
                    : new ModelNotFoundException(model, text, $"{who} does not serve model '{model}'. Check the provider's Model against the models that endpoint lists ({at.TrimEnd('/')}/models)."),
                // Nothing about a model: the path itself is unknown there, so the base URL is wrong.
                404 => new DockerModelException(ErrorKind.InvalidInvocation, isDockerModelRunner
                    ? $"{who} answered 404 Not Found for chat/completions: that address is not Docker Model Runner's API. Check MODEL_RUNNER_HOST (for example http://localhost:12434) or the provider's Endpoint (it ends in /engines/v1)."
                    : $"{who} answered 404 Not Found for chat/completions: the Endpoint is wrong. An OpenAI-compatible base URL usually ends in /v1 (for example http://localhost:11434/v1); fix it with Set-LlmProviderFallback.", text),
                400 when Contains(body, "exceed_context_size_error") || Contains(body, "context size") || Contains(body, "context length") => new ContextTooLongException(model, text),
                503 when isDockerModelRunner && !Contains(body, "Loading model") => new RunnerNotRunningException(text),
                500 when Contains(body, "not enough GPU memory") || Contains(body, "out of memory") || Contains(body, "failed to allocate") => new ModelOutOfMemoryException(model, text),
                500 when Contains(body, "inference backend took too long to initialize") => new DockerModelException(ErrorKind.Timeout,
                    $"Model '{model}' did not finish loading at {at}: the inference backend took too long to initialize (Docker Model Runner waits 5 minutes). " +
                    "A large model on a slow disk or CPU can take that long; try again, or look at 'docker model logs'.", text),
                >= 500 => new DockerModelException(ErrorKind.ServerError, $"{who} failed (HTTP {code}): {FirstLine(detail)}", text),
                _ => new DockerModelException(ErrorKind.InvalidInvocation, $"{who} rejected the request (HTTP {code}): {FirstLine(detail)}", text),
            };
            e.Model ??= model;
            e.RetryAfter = retryAfter?.Delta ?? (retryAfter?.Date is DateTimeOffset when ? when - DateTimeOffset.UtcNow : null);
            return e;
        }

        /// <summary>The server could not be reached at all (a fallback trigger), said in the runner's or the provider's terms.</summary>
        public static DockerModelException Unreachable(HttpRequestException e, string authority, string model, bool isDockerModelRunner)
        {
            string why = Innermost(e);
            if (isDockerModelRunner) return new RunnerUnreachableException($"{authority} did not answer ({why}).", why) { Model = model };
            return new DockerModelException(ErrorKind.RunnerUnreachable,
                $"The provider at {authority} could not be reached ({why}). Check its Endpoint and that the server is running.", why, e) { Model = model };
        }

        private static string Innermost(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e.Message;
        }

        private static bool Contains(string text, string part) => part.Length > 0 && text.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;

        private static string FirstLine(string text)
        {
            int nl = text.IndexOf('\n');
            return nl < 0 ? text : text.Substring(0, nl);
        }
    }
}
