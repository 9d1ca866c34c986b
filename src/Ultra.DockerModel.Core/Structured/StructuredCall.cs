using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Ultra.DockerModel.Routing;

namespace Ultra.DockerModel.Structured
{
    /// <summary>An answer that passed the schema: the response (its Text is the raw JSON) and the parsed value.</summary>
    public sealed class StructuredAnswer
    {
        public StructuredAnswer(LlmResponse response, JsonElement value)
        {
            Response = response;
            Value = value;
        }

        public LlmResponse Response { get; }
        public JsonElement Value { get; }
    }

    /// <summary>
    /// Asks for JSON of a shape and checks the answer. An answer that does not do is asked again of the provider that
    /// gave it (the chain already chose it: a bad answer is not an unavailable provider), with what was wrong, up to
    /// <c>retries</c> times; then a <see cref="StructuredOutputException"/> carries the last raw answer.
    /// </summary>
    public static class StructuredCall
    {
        /// <param name="route">Runs one request down a chain (the router): the same rules as any other call.</param>
        public static async Task<StructuredAnswer> RunAsync(ProviderChain chain, LlmRequest request, int retries,
            Func<ProviderChain, LlmRequest, Task<LlmResponse>> route, Action<string>? verbose = null)
        {
            var schema = request.Schema ?? throw new ArgumentException("The request has no schema.", nameof(request));
            var attempts = new List<LlmAttempt>();
            for (int tries = 1; ; tries++)
            {
                var response = await route(chain, request).ConfigureAwait(false);
                attempts.AddRange(response.Attempts);
                if (JsonAnswer.Check(schema, response.Text, out string? problem) is JsonElement value)
                    return new StructuredAnswer(tries == 1 ? response : response.WithAttempts(attempts), value);
                if (tries > retries)
                    throw new StructuredOutputException(response.Model, response.Provider, tries, problem!, response.Text);
                verbose?.Invoke($"The answer of '{response.Provider}' does not do: {problem}. Asking again ({tries} of {retries} retries).");
                var answered = chain.Providers.FirstOrDefault(p => p.Name == response.Provider);
                if (answered != null) chain = new ProviderChain(new[] { answered }, chain.RequestedModel);
                request = request with
                {
                    Messages = new List<LlmMessage>(request.Messages)
                    {
                        new("assistant", response.Text),
                        new("user", $"That answer cannot be used: {problem}. Answer again with only the JSON, matching the schema exactly."),
                    },
                };
            }
        }
    }
}
