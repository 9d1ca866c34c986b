using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Embedded.Models;
using Ultra.DockerModel.Embedded.Native;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Embedded.Chat
{
    /// <summary>
    /// Our IChatClient over llama.cpp's low layer (weights + context, not LLamaSharp's executors): the model's chat
    /// template, sampling from ChatOptions, stop sequences, end-of-generation tokens, usage, and a finish reason of
    /// "stop" or "length". Pieces are whole UTF-8 characters. Cheap to create: the model cache does the loading.
    /// </summary>
    internal sealed class LlamaChatClient(ModelCache cache, string path, EngineOptions engine, IEngineLog? sink) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var log = new CallLog(sink);
            using var lease = await cache.AcquireAsync(path, engine, log, cancellationToken).ConfigureAwait(false);
            string prompt = PromptRenderer.Render(lease.Model, messages, options);
            using var sampler = Sampling.Create(options, lease.Model, log);
            var generator = new TokenGenerator(lease, sampler, log, options?.MaxOutputTokens);
            var stops = new StopSequenceFilter(options?.StopSequences);
            string id = Guid.NewGuid().ToString("N");
            await generator.PrefillAsync(prompt).ConfigureAwait(false);
            while (generator.TryNext(out string piece))
            {
                string text = stops.Push(piece);
                if (text.Length > 0) yield return Piece(id, lease.Model.Name, text);
                if (stops.Stopped) break;
            }
            string rest = stops.Flush();
            if (rest.Length > 0) yield return Piece(id, lease.Model.Name, rest);
            var usage = new UsageDetails
            {
                InputTokenCount = generator.PromptTokens,
                OutputTokenCount = generator.CompletionTokens,
                TotalTokenCount = generator.PromptTokens + generator.CompletionTokens,
            };
            yield return new ChatResponseUpdate(ChatRole.Assistant, new List<AIContent> { new UsageContent(usage) })
            {
                ResponseId = id,
                ModelId = lease.Model.Name,
                FinishReason = stops.Stopped || generator.FinishReason == "stop" ? ChatFinishReason.Stop : ChatFinishReason.Length,
            };
        }

        private static ChatResponseUpdate Piece(string id, string model, string text) =>
            new(ChatRole.Assistant, text) { ResponseId = id, ModelId = model };

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("Ultra.DockerModel.Embedded", null, engine.DisplayName)
            : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() { }
    }
}
