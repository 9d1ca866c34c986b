using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using Ultra.DockerModel.Routing;

namespace Ultra.DockerModel.Caching
{
    /// <summary>
    /// A call through the response cache: the chain's providers are looked up in order and the first stored answer is
    /// streamed out piece by piece as a provider would; otherwise the call runs and its answer is stored under the key
    /// of the provider that gave it.
    /// </summary>
    public sealed class CachedRoute
    {
        private readonly ResponseCache _cache;
        private readonly Func<LlmProvider, string?> _digestOf;

        /// <param name="digestOf">The digest of a provider's model when it is known without asking anyone (else null).</param>
        public CachedRoute(ResponseCache cache, Func<LlmProvider, string?>? digestOf = null)
        {
            _cache = cache;
            _digestOf = digestOf ?? (_ => null);
        }

        /// <summary>
        /// Whether a call uses the cache: -Cache says yes; otherwise the setting does, but only for a call that gives the
        /// same answer twice (temperature 0, or a seed), since caching a sampled answer would freeze one draw of many.
        /// </summary>
        public static bool Applies(bool cacheSwitch, bool setting, float? temperature, bool seeded) =>
            cacheSwitch || (setting && (temperature == 0 || seeded));

        /// <param name="route">Runs the request down the chain (the router).</param>
        /// <param name="storeIf">Whether an answer is worth keeping (a structured call keeps only answers that pass the schema).</param>
        public async Task<LlmResponse> RunAsync(ProviderChain chain, LlmRequest request, IRouteObserver observer,
            Func<ProviderChain, LlmRequest, IRouteObserver, Task<LlmResponse>> route, Func<LlmResponse, bool>? storeIf = null)
        {
            var clock = Stopwatch.StartNew();
            foreach (var provider in chain.Providers)
            {
                var hit = _cache.TryGet(CacheKey.For(provider, request, _digestOf(provider)));
                if (hit is null) continue;
                observer.OnVerbose($"Answered from the response cache (stored {hit.Created:u} from '{hit.Provider}').");
                foreach (var piece in hit.Pieces) observer.OnPiece(piece);
                string text = request.KeepText ? string.Concat(hit.Pieces) : "";
                return new LlmResponse
                {
                    Text = text,
                    Model = hit.Model,
                    Provider = hit.Provider,
                    FinishReason = hit.FinishReason,
                    PromptTokens = hit.PromptTokens,
                    CompletionTokens = hit.CompletionTokens,
                    Elapsed = clock.Elapsed,
                    TimeToFirstToken = TimeSpan.Zero,
                    Cached = true,
                    Attempts = new[] { new LlmAttempt { Provider = hit.Provider, Model = hit.Model, Succeeded = true, Duration = clock.Elapsed } },
                    History = new List<LlmMessage>(request.Messages) { new("assistant", string.Concat(hit.Pieces)) },
                };
            }

            var recorder = new Recorder(observer);
            var response = await route(chain, request, recorder).ConfigureAwait(false);
            var answered = Find(chain, response.Provider);
            if (answered != null && (storeIf is null || storeIf(response)))
            {
                try
                {
                    _cache.Set(CacheKey.For(answered, request, _digestOf(answered)), new CachedAnswer
                    {
                        Pieces = recorder.Pieces,
                        Model = response.Model,
                        Provider = response.Provider,
                        FinishReason = response.FinishReason,
                        PromptTokens = response.PromptTokens,
                        CompletionTokens = response.CompletionTokens,
                        Created = DateTime.UtcNow,
                    });
                }
                catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
                {
                    observer.OnVerbose($"The answer could not be stored in the response cache ({e.Message}); it is not cached.");
                }
            }
            return response;
        }

        private static LlmProvider? Find(ProviderChain chain, string name)
        {
            foreach (var p in chain.Providers)
                if (p.Name == name) return p;
            return null;
        }

        /// <summary>Passes everything on and keeps the pieces (the response's text is empty with -Stream).</summary>
        private sealed class Recorder : IRouteObserver
        {
            private readonly IRouteObserver _inner;

            public Recorder(IRouteObserver inner) => _inner = inner;

            public List<string> Pieces { get; } = new();

            public void OnPiece(string text)
            {
                Pieces.Add(text);
                _inner.OnPiece(text);
            }

            public void OnVerbose(string message) => _inner.OnVerbose(message);

            public void OnPullProgress(PullProgress progress) => _inner.OnPullProgress(progress);
        }
    }
}
