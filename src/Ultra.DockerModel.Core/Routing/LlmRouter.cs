using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Providers;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// Runs a request down a chain of providers (LiteLLM's semantics): transient errors are retried on the same provider
    /// with backoff (Retry-After honoured); an unavailable provider is skipped for a cool-down and the next one tried;
    /// a bad request or a refused key stops at once; and once a piece of the answer is out, nothing falls back.
    /// </summary>
    public sealed class LlmRouter
    {
        private readonly ChatClientFactory _factory;
        private readonly ProviderCooldown _cooldown;

        /// <param name="cooldown">Whom the router remembers as unavailable; its owner shares it across calls (default: this router's own).</param>
        public LlmRouter(ChatClientFactory factory, ProviderCooldown? cooldown = null)
        {
            _factory = factory;
            _cooldown = cooldown ?? new ProviderCooldown();
        }

        public Task<LlmResponse> RunAsync(IReadOnlyList<LlmProvider> chain, LlmRequest request, IRouteObserver observer, CancellationToken cancellationToken) =>
            RunAsync(new ProviderChain(chain), request, observer, cancellationToken);

        public Task<LlmResponse> RunAsync(ProviderChain chain, LlmRequest request, IRouteObserver observer, CancellationToken cancellationToken) =>
            RunAsync(chain, request, observer, p => new ProviderCall(p, request, observer, _factory),
                (response, attempts, elapsed) => response.With(attempts, elapsed, request.Messages), cancellationToken);

        /// <summary>
        /// Embeddings of <paramref name="texts"/> (one batch, one request) down the same chain under the same rules;
        /// the request gives the time limits, retries, cool-down and -AutoPull (its messages are not used).
        /// </summary>
        public Task<EmbeddingResult> EmbedAsync(ProviderChain chain, IReadOnlyList<string> texts, int? dimensions, LlmRequest request,
            IRouteObserver observer, CancellationToken cancellationToken) =>
            RunAsync(chain, request, observer, p => new EmbeddingCall(p, texts, dimensions, request, _factory),
                (result, attempts, elapsed) => new EmbeddingResult(result.Embeddings, attempts.ToArray()), cancellationToken);

        /// <summary>The chain policy for one kind of call: <paramref name="start"/> makes one try of one provider.</summary>
        private async Task<T> RunAsync<T>(ProviderChain chain, LlmRequest request, IRouteObserver observer, Func<LlmProvider, IProviderTry<T>> start,
            Func<T, IReadOnlyList<LlmAttempt>, TimeSpan, T> finish, CancellationToken cancellationToken)
        {
            var attempts = new List<LlmAttempt>();
            var failures = new List<DockerModelException>();
            var total = Stopwatch.StartNew();
            using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (request.Timeout is TimeSpan t) whole.CancelAfter(t);

            // Skip cooling providers only while another can still be tried.
            var usable = chain.Providers.Where(p => !_cooldown.IsCooling(p, out _)).ToList();
            if (usable.Count == 0) usable = chain.Providers.ToList();
            foreach (var p in chain.Providers.Except(usable))
            {
                _cooldown.IsCooling(p, out var left);
                observer.OnVerbose($"Skipping provider '{p.Name}': it was unavailable recently (cool-down, {left.TotalSeconds:0} s left).");
                attempts.Add(new LlmAttempt { Provider = p.Name, Model = p.Model, ErrorId = CooledDown, Error = "skipped: unavailable recently" });
            }

            // Set once the model the call named turned out not to be there: from then on only a provider with that very
            // model may answer (another model answering would not be what the user asked for).
            DockerModelException? requestedMissing = null;
            foreach (var provider in usable)
            {
                if (requestedMissing != null && !chain.ServesRequestedModel(provider)) continue;
                bool pulled = false;
                for (int attempt = 0; ; attempt++)
                {
                    var call = start(provider);
                    try
                    {
                        observer.OnVerbose($"Trying provider '{provider.Name}' ({provider.Kind}, model {provider.Model}).");
                        var response = await call.RunAsync(whole.Token, cancellationToken).ConfigureAwait(false);
                        attempts.Add(call.Attempt(null));
                        _cooldown.Clear(provider);
                        return finish(response, attempts, total.Elapsed);
                    }
                    catch (DockerModelException e)
                    {
                        attempts.Add(call.Attempt(e));
                        if (call.AnyPieceWritten)
                        {
                            // Never splice two models' output together. A time-out keeps its kind: that is what happened.
                            e.PartialText = call.Text;
                            throw e.Kind is ErrorKind.StreamInterrupted or ErrorKind.Timeout ? e
                                : new DockerModelException(ErrorKind.StreamInterrupted, $"The answer from '{provider.Name}' stopped part-way: {e.Message}", e.RawError, e) { Model = provider.Model, PartialText = call.Text };
                        }
                        // -TimeoutSec is up: no other provider can answer in time, and none of them is to blame for it.
                        if (whole.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                            throw CallTimedOut(request, attempts);
                        if (e.Kind == ErrorKind.ModelNotFound && request.AutoPull && _factory.CanPull(provider) && !pulled)
                        {
                            observer.OnVerbose(provider.Kind == LlmProviderKind.Embedded
                                ? $"Model '{provider.Model}' is not in a model store on this computer; pulling it from its registry into the module's store (-AutoPull)."
                                : $"Model '{provider.Model}' is not installed; pulling it (-AutoPull).");
                            await Guard(_factory.PullAsync(provider, new ObserverProgress(observer), whole.Token), request, attempts, cancellationToken).ConfigureAwait(false);
                            pulled = true;
                            attempt--;
                            continue;
                        }
                        if (IsTransient(e) && attempt < request.MaxRetries && e.RetryAfter > request.MaxRetryAfter)
                            observer.OnVerbose($"Provider '{provider.Name}' asks to wait {e.RetryAfter.Value.TotalSeconds:0} s before trying again (more than {request.MaxRetryAfter.TotalSeconds:0} s); not retrying it.");
                        else if (IsTransient(e) && attempt < request.MaxRetries)
                        {
                            var delay = e.RetryAfter is TimeSpan ra && ra > TimeSpan.Zero ? ra : Backoff(request.RetryDelay, attempt);
                            observer.OnVerbose($"Provider '{provider.Name}' failed ({e.ErrorId}); retrying in {delay.TotalMilliseconds:0} ms.");
                            await Guard(Task.Delay(delay, whole.Token), request, attempts, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                        if (!e.IsUnavailable) throw;
                        failures.Add(e);
                        if (e.Kind == ErrorKind.ModelNotFound && chain.ServesRequestedModel(provider))
                        {
                            // Not a cool-down either: the user may install the model and ask again at once.
                            requestedMissing ??= e;
                            observer.OnVerbose($"Model '{provider.Model}' is not available from '{provider.Name}'; no provider with another model will answer instead.");
                            break;
                        }
                        _cooldown.Mark(provider, request.Cooldown);
                        observer.OnVerbose($"Provider '{provider.Name}' is unavailable ({e.ErrorId}: {e.Message}); trying the next provider.");
                        break;
                    }
                }
            }
            if (requestedMissing != null) throw requestedMissing;
            // One provider (however often it was retried): its own error says the most. Several: one error listing each attempt.
            if (chain.Providers.Count == 1 && failures.Count == 1) throw failures[0];
            throw new AllProvidersFailedException(attempts);
        }

        /// <summary>Awaits a wait or a pull, turning the end of -TimeoutSec into a Timeout error (a user's Ctrl+C stays a cancellation).</summary>
        private static async Task Guard(Task task, LlmRequest request, IReadOnlyList<LlmAttempt> attempts, CancellationToken user)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!user.IsCancellationRequested)
            {
                throw CallTimedOut(request, attempts);
            }
        }

        private static DockerModelException CallTimedOut(LlmRequest request, IReadOnlyList<LlmAttempt> attempts) =>
            new(ErrorKind.Timeout, $"The call did not finish within {request.Timeout?.TotalSeconds:0.#} s (-TimeoutSec). Tried:"
                + string.Concat(attempts.Select(a => "\n  - " + a)));

        /// <summary>The ErrorId of an attempt skipped because the provider was unavailable a moment ago.</summary>
        public const string CooledDown = "CoolingDown";

        private static bool IsTransient(DockerModelException e) => e.Kind is ErrorKind.RateLimited or ErrorKind.ServerError;

        private static TimeSpan Backoff(TimeSpan baseDelay, int attempt)
        {
            double jitter = 0.8 + 0.4 * new Random().NextDouble();
            return TimeSpan.FromMilliseconds(baseDelay.TotalMilliseconds * Math.Pow(2, attempt) * jitter);
        }

        private sealed class ObserverProgress : IProgress<PullProgress>
        {
            private readonly IRouteObserver _observer;
            public ObserverProgress(IRouteObserver observer) => _observer = observer;
            public void Report(PullProgress value) => _observer.OnPullProgress(value);
        }
    }
}
