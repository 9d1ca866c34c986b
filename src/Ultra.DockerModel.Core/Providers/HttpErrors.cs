using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace Ultra.DockerModel.Providers
{
    /// <summary>Maps an HTTP error answer of an OpenAI-compatible server onto the module's error kinds.</summary>
    internal static class HttpErrors
    {
        /// <param name="apiKeyVariable">The NAME of the variable the key came from (never the key), to say what to fix on 401/403.</param>
        public static DockerModelException FromResponse(HttpStatusCode status, string body, RetryConditionHeaderValue? retryAfter, string model, bool isDockerModelRunner,
            string? apiKeyVariable = null, string? endpoint = null)
        {
            int code = (int)status;
            string detail = body.Trim();
            if (detail.Length > 500) detail = detail.Substring(0, 500) + "...";
            string text = $"HTTP {code}: {detail}";
            DockerModelException e = code switch
            {
                401 or 403 => new DockerModelException(ErrorKind.AuthenticationFailed, apiKeyVariable is null
                    ? $"The provider refused the request (HTTP {code}): it needs an API key. Name the environment variable that holds it with ApiKeyEnvironmentVariable (New-LlmProvider, Set-LlmProviderFallback)."
                    : $"The provider refused the credentials (HTTP {code}). Check the API key in the environment variable {apiKeyVariable}.", text),
                429 => new DockerModelException(ErrorKind.RateLimited, $"The provider is rate-limiting requests (HTTP 429).", text),
                404 when Contains(body, "model") => isDockerModelRunner ? new ModelNotFoundException(model, text)
                    : new ModelNotFoundException(model, text, $"The provider at {endpoint ?? "its endpoint"} does not serve model '{model}'. Check the provider's Model against the models that endpoint lists."),
                400 when Contains(body, "exceed_context_size_error") || Contains(body, "context size") || Contains(body, "context length") => new ContextTooLongException(model, text),
                503 when isDockerModelRunner && !Contains(body, "Loading model") => new RunnerNotRunningException(text),
                500 when Contains(body, "not enough GPU memory") || Contains(body, "out of memory") || Contains(body, "failed to allocate") => new ModelOutOfMemoryException(model, text),
                >= 500 => new DockerModelException(ErrorKind.ServerError, $"The provider failed (HTTP {code}): {FirstLine(detail)}", text),
                _ => new DockerModelException(ErrorKind.InvalidInvocation, $"The provider rejected the request (HTTP {code}): {FirstLine(detail)}", text),
            };
            e.Model ??= model;
            e.RetryAfter = retryAfter?.Delta ?? (retryAfter?.Date is DateTimeOffset at ? at - DateTimeOffset.UtcNow : null);
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

        private static bool Contains(string text, string part) => text.IndexOf(part, StringComparison.OrdinalIgnoreCase) >= 0;

        private static string FirstLine(string text)
        {
            int nl = text.IndexOf('\n');
            return nl < 0 ? text : text.Substring(0, nl);
        }
    }
}
