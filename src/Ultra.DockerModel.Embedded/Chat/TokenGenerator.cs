using System;
using System.Threading;
using System.Threading.Tasks;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Ultra.DockerModel.Embedded.Models;
using Ultra.DockerModel.Embedded.Native;

namespace Ultra.DockerModel.Embedded.Chat
{
    /// <summary>
    /// The generation loop on one context: the prompt's pass in batches, then one token at a time until an
    /// end-of-generation token, the token limit or a full context. Runs on the caller's thread; each sampled token's
    /// text is handed out before that token is decoded, so a piece costs no more than its own sampling.
    /// </summary>
    internal sealed class TokenGenerator
    {
        /// <summary>Process-wide: LLamaSharp runs one decode at a time anyway; waiting here can be cancelled, its lock cannot.</summary>
        private static readonly SemaphoreSlim DecodeGate = new(1, 1);

        private readonly ContextLease _lease;
        private readonly ISamplingPipeline _sampler;
        private readonly CallLog _log;
        private readonly int _maxTokens;
        private readonly StreamingTokenDecoder _decoder;
        private readonly LLamaBatch _batch = new();
        private int _position;
        private LLamaToken? _pending;

        public TokenGenerator(ContextLease lease, ISamplingPipeline sampler, CallLog log, int? maxTokens)
        {
            _lease = lease;
            _sampler = sampler;
            _log = log;
            _maxTokens = maxTokens ?? int.MaxValue;
            _decoder = new StreamingTokenDecoder(lease.Context);
        }

        private LLamaContext Context => _lease.Context;
        private CancellationToken Cancel => _lease.CancellationToken;

        public int PromptTokens { get; private set; }
        public int CompletionTokens { get; private set; }
        /// <summary>"stop" (end-of-generation token) or "length" (token limit or full context); null while running.</summary>
        public string? FinishReason { get; private set; }

        /// <summary>
        /// The prompt's pass. Throws ContextTooLong when it leaves no room to answer. It runs beside the caller, who
        /// leaves at once when cancelled: llama.cpp checks the abort callback only between two steps of its graph, and one
        /// step over a 512-token batch can take longer than a user should wait. The lease keeps the context until the
        /// pass has really stopped.
        /// </summary>
        public async Task PrefillAsync(string prompt)
        {
            var pass = Task.Run(() => Prefill(prompt));
            _lease.Busy = pass;
            await pass.WaitAsync(Cancel).ConfigureAwait(false);
        }

        private void Prefill(string prompt)
        {
            LLamaToken[] tokens;
            using (LlamaLog.Route(_log))
                tokens = Context.Tokenize(prompt, addBos: true, special: true);
            PromptTokens = tokens.Length;
            if (tokens.Length >= Context.ContextSize)
                throw new DockerModelException(ErrorKind.ContextTooLong,
                    $"The prompt is {tokens.Length} tokens, and the context window of '{_lease.Model.Name}' is {Context.ContextSize}. " +
                    "Shorten it, or raise the window with Set-LlmProviderFallback -EmbeddedContextSize (up to what the model was trained for).");
            int chunk = (int)Context.BatchSize;
            for (int i = 0; i < tokens.Length; i += chunk)
            {
                _batch.Clear();
                int n = Math.Min(chunk, tokens.Length - i);
                for (int j = 0; j < n; j++) _batch.Add(tokens[i + j], _position++, LLamaSeqId.Zero, i + j == tokens.Length - 1);
                Decode();
            }
        }

        /// <summary>The next piece of text (empty while a character's bytes are incomplete); false at the end.</summary>
        public bool TryNext(out string piece)
        {
            piece = "";
            if (_pending is LLamaToken last)
            {
                _pending = null;
                _batch.Clear();
                _batch.Add(last, _position++, LLamaSeqId.Zero, true);
                Decode();
            }
            if (CompletionTokens >= _maxTokens || _position >= Context.ContextSize)
            {
                FinishReason = "length";
                return false;
            }
            Cancel.ThrowIfCancellationRequested();
            var token = _sampler.Sample(Context.NativeHandle, _batch.TokenCount - 1);
            if (token.IsEndOfGeneration(Context.Vocab))
            {
                FinishReason = "stop";
                return false;
            }
            CompletionTokens++;
            _pending = token;
            _decoder.Add(token);
            piece = _decoder.Read();
            return true;
        }

        private void Decode()
        {
            DecodeGate.Wait(Cancel);
            DecodeResult result;
            try
            {
                using (LlamaLog.Route(_log))
                    result = Context.Decode(_batch);
            }
            finally
            {
                DecodeGate.Release();
            }
            if (result == DecodeResult.Ok) return;
            Cancel.ThrowIfCancellationRequested();
            if (result == DecodeResult.ComputeAborted) throw new OperationCanceledException(Cancel);
            throw new DockerModelException(result == DecodeResult.NoKvSlot ? ErrorKind.ContextTooLong : ErrorKind.Unknown,
                $"llama.cpp could not run '{_lease.Model.Name}' (decode returned {result}). {_log.Errors}".TrimEnd());
        }
    }
}
