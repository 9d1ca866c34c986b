using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using LLama.Native;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Embedded.Models;
using Ultra.DockerModel.Embedded.Native;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Embedded.Embeddings
{
    /// <summary>
    /// Embeddings over llama.cpp's low layer (not LLamaSharp's LLamaEmbedder, which implements Microsoft.Extensions.AI
    /// 10.x's interface: that assembly must never be needed here). One pooled vector per input, from an embedding
    /// model's own pooling, or the mean of a language model's last hidden states.
    /// </summary>
    internal sealed class LlamaEmbeddingGenerator(ModelCache cache, string path, EngineOptions engine, IEngineLog? sink) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var log = new CallLog(sink);
            using var lease = await cache.AcquireAsync(path, engine, log, cancellationToken, embeddings: true).ConfigureAwait(false);
            var result = new GeneratedEmbeddings<Embedding<float>>();
            int tokens = 0;
            foreach (string value in values)
            {
                result.Add(new Embedding<float>(Embed(lease, value, log, ref tokens)) { ModelId = lease.Model.Name, CreatedAt = DateTimeOffset.UtcNow });
            }
            result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
            return result;
        }

        private static float[] Embed(ContextLease lease, string text, CallLog log, ref int tokenCount)
        {
            var context = lease.Context;
            context.NativeHandle.MemoryClear();
            LLamaToken[] tokens;
            using (LlamaLog.Route(log))
                tokens = context.Tokenize(text, addBos: true, special: false);
            if (tokens.Length > context.BatchSize)
                throw new DockerModelException(ErrorKind.ContextTooLong,
                    $"The text is {tokens.Length} tokens; '{lease.Model.Name}' embeds at most {context.BatchSize} at a time.");
            tokenCount += tokens.Length;
            var batch = new LLamaBatch();
            for (int i = 0; i < tokens.Length; i++) batch.Add(tokens[i], i, LLamaSeqId.Zero, true);
            DecodeResult result;
            using (LlamaLog.Route(log))
                result = context.Decode(batch);
            lease.CancellationToken.ThrowIfCancellationRequested();
            if (result != DecodeResult.Ok)
                throw new DockerModelException(ErrorKind.Unknown, $"llama.cpp could not embed with '{lease.Model.Name}' (decode returned {result}). {log.Errors}".TrimEnd());
            return context.NativeHandle.GetEmbeddingsSeq(LLamaSeqId.Zero).ToArray();
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("Ultra.DockerModel.Embedded", null, engine.DisplayName)
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() { }
    }
}
