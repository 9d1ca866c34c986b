using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Ultra.DockerModel.Routing
{
    /// <summary>The embeddings of one batch and every provider tried for them.</summary>
    public sealed class EmbeddingResult
    {
        public EmbeddingResult(IReadOnlyList<LlmEmbedding> embeddings, IReadOnlyList<LlmAttempt> attempts)
        {
            Embeddings = embeddings;
            Attempts = attempts;
        }

        /// <summary>One per text, in the order of the texts.</summary>
        public IReadOnlyList<LlmEmbedding> Embeddings { get; }
        public IReadOnlyList<LlmAttempt> Attempts { get; }
    }

    /// <summary>One try of one provider for a batch of embeddings: one request, all or nothing (nothing is streamed).</summary>
    internal sealed class EmbeddingCall : IProviderTry<EmbeddingResult>
    {
        private readonly LlmProvider _provider;
        private readonly IReadOnlyList<string> _texts;
        private readonly int? _dimensions;
        private readonly LlmRequest _request;
        private readonly ChatClientFactory _factory;
        private readonly Stopwatch _clock = new();

        public EmbeddingCall(LlmProvider provider, IReadOnlyList<string> texts, int? dimensions, LlmRequest request, ChatClientFactory factory)
        {
            _provider = provider;
            _texts = texts;
            _dimensions = dimensions;
            _request = request;
            _factory = factory;
        }

        public bool AnyPieceWritten => false;
        public string Text => "";

        public async Task<EmbeddingResult> RunAsync(CancellationToken whole, CancellationToken user)
        {
            _clock.Start();
            // The whole answer is the first piece: the provider's first-piece limit bounds the request.
            var limit = _request.FirstTokenTimeout ?? (_provider.TimeoutSec is int s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(whole);
            if (limit is TimeSpan l) bounded.CancelAfter(l);
            try
            {
                using var generator = await _factory.CreateEmbeddingGeneratorAsync(_provider, bounded.Token).ConfigureAwait(false);
                var generated = await generator.GenerateAsync(_texts, new EmbeddingGenerationOptions { Dimensions = _dimensions, ModelId = _provider.Model },
                    bounded.Token).ConfigureAwait(false);
                var embeddings = _texts.Select((text, i) => new LlmEmbedding
                {
                    Text = text,
                    Vector = generated[i].Vector.ToArray(),
                    Model = _provider.Model,
                    Provider = _provider.Name,
                }).ToList();
                return new EmbeddingResult(embeddings, Array.Empty<LlmAttempt>());
            }
            catch (OperationCanceledException) when (!user.IsCancellationRequested)
            {
                throw new DockerModelException(ErrorKind.Timeout, whole.IsCancellationRequested
                    ? $"The call did not finish within {_request.Timeout?.TotalSeconds:0.#} s (-TimeoutSec)."
                    : $"Provider '{_provider.Name}' sent no embeddings within {limit?.TotalSeconds:0.#} s.") { Model = _provider.Model };
            }
            catch (Exception e) when (e is not DockerModelException && e is not OperationCanceledException)
            {
                throw ProviderCall.Untyped(e, _provider, anyPieceWritten: false);
            }
        }

        public LlmAttempt Attempt(DockerModelException? error) => LlmAttempt.Of(_provider, _clock.Elapsed, error);
    }
}
