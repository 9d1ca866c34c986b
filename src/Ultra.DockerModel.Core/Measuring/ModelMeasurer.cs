using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Routing;

namespace Ultra.DockerModel.Measuring
{
    /// <summary>What to ask each model and how often.</summary>
    public sealed class MeasureOptions
    {
        public string Prompt { get; init; } = "Write one sentence about the sea.";
        /// <summary>Runs measured after the cold first call.</summary>
        public int Repeat { get; init; } = 3;
        public int? MaxTokens { get; init; }
        /// <summary>Bounds each call.</summary>
        public TimeSpan? Timeout { get; init; }
    }

    /// <summary>One call about to start, for a progress bar: <see cref="Run"/> 0 is the cold call after the unload.</summary>
    public sealed class MeasureStep
    {
        public string Model { get; init; } = "";
        public string Provider { get; init; } = "";
        public int Run { get; init; }
        public int Runs { get; init; }
    }

    /// <summary>
    /// Measures a model on a provider through the router (the same calls Invoke-LocalLlm makes): unload it, time the
    /// first call (its load), then time <see cref="MeasureOptions.Repeat"/> more calls.
    /// </summary>
    public sealed class ModelMeasurer
    {
        private readonly LlmRouter _router;
        private readonly ModelMemory _memory;

        public ModelMeasurer(LlmRouter router, ModelMemory memory)
        {
            _router = router;
            _memory = memory;
        }

        /// <summary>
        /// The measurement; when every call failed, throws the first call's error. A cancelled token stops at once
        /// (OperationCanceledException), between calls or inside one.
        /// </summary>
        public async Task<ModelMeasurement> MeasureAsync(LlmProvider provider, MeasureOptions options, IProgress<MeasureStep>? progress,
            IRouteObserver observer, CancellationToken cancellationToken)
        {
            var request = new LlmRequest
            {
                Messages = new[] { new LlmMessage("user", options.Prompt) },
                MaxTokens = options.MaxTokens,
                Timeout = options.Timeout,
                MaxRetries = 0, // a retried call would time two calls as one
                KeepText = false,
            };
            bool unloaded = await _memory.UnloadAsync(provider, cancellationToken).ConfigureAwait(false);
            long? peak = null;
            DockerModelException? firstError = null;
            LlmResponse? cold = null;
            var warm = new List<LlmResponse>();
            int failures = 0;
            for (int run = 0; run <= options.Repeat; run++)
            {
                progress?.Report(new MeasureStep { Model = provider.Model ?? "", Provider = provider.Name, Run = run, Runs = options.Repeat });
                try
                {
                    var response = await _router.RunAsync(new[] { provider }, request, observer, cancellationToken).ConfigureAwait(false);
                    if (run == 0) cold = response;
                    else warm.Add(response);
                }
                catch (DockerModelException e)
                {
                    firstError ??= e;
                    if (run > 0) failures++;
                    if (e.Kind is ErrorKind.ModelNotFound or ErrorKind.InvalidInvocation or ErrorKind.InvalidModelName or ErrorKind.EndpointRequired
                        or ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing or ErrorKind.AuthenticationFailed)
                        throw; // every other run would fail the same way
                }
                long? memory = await _memory.MemoryAsync(provider, cancellationToken).ConfigureAwait(false);
                if (memory > (peak ?? 0)) peak = memory;
            }
            if (cold is null && warm.Count == 0) throw firstError!;

            var firstTokens = warm.Where(r => r.TimeToFirstToken.HasValue).Select(r => r.TimeToFirstToken!.Value.TotalMilliseconds).ToList();
            var totals = warm.Select(r => r.Elapsed.TotalMilliseconds).ToList();
            var rates = warm.Select(TokensPerSecond).Where(v => v.HasValue).Select(v => v!.Value).ToList();
            var tokens = warm.Where(r => r.CompletionTokens.HasValue).Select(r => (double)r.CompletionTokens!.Value).ToList();
            double? coldFirst = cold?.TimeToFirstToken?.TotalMilliseconds;
            double? warmFirst = Statistics.Median(firstTokens);
            double? coldTotal = cold?.Elapsed.TotalMilliseconds;
            double? warmTotal = Statistics.Median(totals);
            return new ModelMeasurement
            {
                // Docker's names as the runner stores them (smollm2 is ai/smollm2:latest); other providers' as given.
                Model = provider.Kind == LlmProviderKind.DockerModelRunner && ModelReference.IsValid(provider.Model)
                    ? ModelReference.Normalize(provider.Model!) : provider.Model ?? "",
                Provider = provider.Name,
                Transport = provider.Kind == LlmProviderKind.DockerModelRunner ? provider.Transport.ToString() : null,
                Prompt = options.Prompt,
                Runs = options.Repeat,
                Failures = failures,
                LoadMs = !unloaded ? null
                    : coldFirst.HasValue && warmFirst.HasValue ? Math.Max(0, coldFirst.Value - warmFirst.Value)
                    // A first call that wrote no text has no first token (a small model's answer can be all special
                    // tokens): its total time less the others' says what the load cost.
                    : coldTotal.HasValue && warmTotal.HasValue ? Math.Max(0, coldTotal.Value - warmTotal.Value) : null,
                ColdFirstTokenMs = coldFirst,
                FirstTokenMs = warmFirst,
                FirstTokenSpreadMs = Statistics.Spread(firstTokens),
                TokensPerSecond = Statistics.Median(rates),
                TokensPerSecondSpread = Statistics.Spread(rates),
                TotalMs = Statistics.Median(totals),
                TotalSpreadMs = Statistics.Spread(totals),
                CompletionTokens = Statistics.Median(tokens),
                PeakMemoryBytes = peak,
                Error = firstError?.Message,
                MeasuredAt = DateTime.UtcNow,
            };
        }

        // Generation speed: the tokens after the first over the time after the first (prompt processing left out).
        private static double? TokensPerSecond(LlmResponse r)
        {
            if (r.CompletionTokens is not int n || n < 2 || r.TimeToFirstToken is not TimeSpan first) return null;
            double seconds = (r.Elapsed - first).TotalSeconds;
            return seconds > 0 ? (n - 1) / seconds : null;
        }
    }
}
