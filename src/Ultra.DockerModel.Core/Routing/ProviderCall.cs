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
    /// <summary>One try of one provider, whatever it asks for (a chat answer, embeddings): what the router's loop needs of it.</summary>
    internal interface IProviderTry<T>
    {
        Task<T> RunAsync(CancellationToken whole, CancellationToken user);
        /// <summary>Some of the answer is out already: nothing may retry or fall back any more.</summary>
        bool AnyPieceWritten { get; }
        string Text { get; }
        LlmAttempt Attempt(DockerModelException? error);
    }

    /// <summary>One try of one provider: streams the pieces out, enforces the first-piece time-out, records what happened.</summary>
    internal sealed class ProviderCall : IProviderTry<LlmResponse>
    {
        private readonly LlmProvider _provider;
        private readonly LlmRequest _request;
        private readonly IRouteObserver _observer;
        private readonly ChatClientFactory _factory;
        private readonly StringBuilder _text = new();
        private readonly StringBuilder _reasoning = new();
        private readonly Stopwatch _clock = new();

        public ProviderCall(LlmProvider provider, LlmRequest request, IRouteObserver observer, ChatClientFactory factory)
        {
            _provider = provider;
            _request = request;
            _observer = observer;
            _factory = factory;
        }

        /// <summary>Text of the answer, or of the reasoning before it, has been passed on: the provider is answering.</summary>
        public bool AnyPieceWritten => _text.Length > 0 || _reasoning.Length > 0;
        public string Text => _text.ToString();

        public async Task<LlmResponse> RunAsync(CancellationToken whole, CancellationToken user)
        {
            _clock.Start();
            var messages = ChatRequest.ToChat(_request.Messages);
            var options = ChatRequest.Options(_request, _provider.Model);
            var firstTokenLimit = _request.FirstTokenTimeout ?? (_provider.TimeoutSec is int s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null);
            using var firstToken = CancellationTokenSource.CreateLinkedTokenSource(whole);
            if (firstTokenLimit is TimeSpan limit) firstToken.CancelAfter(limit);

            TimeSpan? ttft = null;
            string? finish = null;
            long? promptTokens = null, completionTokens = null;
            try
            {
                using var client = await _factory.CreateAsync(_provider, messages, options, firstToken.Token).ConfigureAwait(false);
                await foreach (var update in client.GetStreamingResponseAsync(messages, options, firstToken.Token).ConfigureAwait(false))
                {
                    string piece = update.Text; // the answer only: reasoning is TextReasoningContent
                    string thought = string.Concat(update.Contents.OfType<TextReasoningContent>().Select(r => r.Text));
                    if ((piece.Length > 0 || thought.Length > 0) && ttft is null)
                    {
                        ttft = _clock.Elapsed;
                        firstToken.CancelAfter(Timeout.InfiniteTimeSpan); // from here only the whole-call limit applies
                    }
                    if (thought.Length > 0)
                    {
                        _reasoning.Append(thought);
                        (_observer as IReasoningObserver)?.OnReasoning(thought);
                    }
                    if (piece.Length > 0)
                    {
                        _text.Append(piece);
                        _observer.OnPiece(piece);
                    }
                    if (update.FinishReason is ChatFinishReason f) finish = f.Value;
                    foreach (var usage in update.Contents.OfType<UsageContent>())
                    {
                        promptTokens = usage.Details.InputTokenCount ?? promptTokens;
                        completionTokens = usage.Details.OutputTokenCount ?? completionTokens;
                    }
                    if (update.AdditionalProperties?.TryGetValue(ChatRequest.InvalidUtf8Key, out var bad) == true)
                        _observer.OnVerbose($"The answer held {bad} invalid UTF-8 sequence(s); each was replaced with U+FFFD.");
                }
            }
            catch (OperationCanceledException) when (!user.IsCancellationRequested)
            {
                throw new DockerModelException(ErrorKind.Timeout, ttft is null && !whole.IsCancellationRequested
                    ? $"Provider '{_provider.Name}' sent nothing within {firstTokenLimit?.TotalSeconds:0.#} s (first-piece time-out)."
                    : $"The call did not finish within {_request.Timeout?.TotalSeconds:0.#} s (-TimeoutSec).") { Model = _provider.Model };
            }
            catch (Exception e) when (e is not DockerModelException && e is not OperationCanceledException)
            {
                throw Untyped(e, _provider, AnyPieceWritten);
            }
            return new LlmResponse
            {
                Text = _request.KeepText ? _text.ToString() : "",
                Reasoning = _request.KeepText && _reasoning.Length > 0 ? _reasoning.ToString() : null,
                Model = _provider.Model,
                Provider = _provider.Name,
                ProviderEntry = _provider.With(),
                FinishReason = finish,
                TimeToFirstToken = ttft,
                PromptTokens = (int?)promptTokens,
                CompletionTokens = (int?)completionTokens,
            };
        }

        /// <summary>
        /// Whatever a client lets through still leaves the router typed: after a piece it is an interrupted answer;
        /// before, a broken connection or a garbled answer is the server's fault (worth a retry or another provider),
        /// and anything else is a fault to surface as it is.
        /// </summary>
        internal static DockerModelException Untyped(Exception e, LlmProvider provider, bool anyPieceWritten)
        {
            bool serverSide = e is System.Net.Http.HttpRequestException || e is System.IO.IOException || e is System.Text.Json.JsonException;
            var kind = anyPieceWritten ? ErrorKind.StreamInterrupted : serverSide ? ErrorKind.ServerError : ErrorKind.Unknown;
            return new DockerModelException(kind, $"Provider '{provider.Name}' failed ({e.GetType().Name}): {e.Message}", e.Message, e) { Model = provider.Model };
        }

        public LlmAttempt Attempt(DockerModelException? error) => LlmAttempt.Of(_provider, _clock.Elapsed, error);
    }
}
