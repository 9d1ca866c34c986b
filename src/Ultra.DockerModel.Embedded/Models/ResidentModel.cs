using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Ultra.DockerModel.Embedded.Native;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Embedded.Models
{
    /// <summary>
    /// One GGUF file held in memory: its weights (memory-mapped) and a spare context kept warm for the next call.
    /// Concurrent calls each get their own context (never one context for two calls). Counters and the pool are
    /// guarded by the owning <see cref="ModelCache"/>'s lock or this object's.
    /// </summary>
    internal sealed class ResidentModel : IDisposable
    {
        private const int SpareContexts = 1;
        private readonly SemaphoreSlim _loadGate = new(1, 1);
        private readonly Stack<LLamaContext> _spare = new();
        private volatile LLamaWeights? _weights;

        public ResidentModel(string path, FileInfo file, string name)
        {
            Path = path;
            Name = name;
            FileLength = file.Length;
            FileTime = file.LastWriteTimeUtc;
        }

        public string Path { get; }
        public string Name { get; }
        public long FileLength { get; }
        public DateTime FileTime { get; }
        public LLamaWeights Weights => _weights ?? throw new InvalidOperationException("The model is not loaded.");
        public bool IsLoaded => _weights != null;
        /// <summary>The GGUF's tokenizer.chat_template, or null when it has none.</summary>
        public string? ChatTemplate { get; private set; }
        public DateTime LoadedAt { get; private set; }

        // Guarded by ModelCache's lock.
        public int Active { get; set; }
        public DateTime LastUsed { get; set; } = DateTime.UtcNow;
        public TimeSpan IdleTimeout { get; set; }
        public bool Doomed { get; set; }
        public int ContextsHeld { get; private set; }
        public int LastContextSize { get; private set; }

        public bool Matches(FileInfo file) => file.Length == FileLength && file.LastWriteTimeUtc == FileTime;

        public async Task EnsureLoadedAsync(CallLog log, CancellationToken cancellationToken)
        {
            if (_weights != null) return;
            await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_weights != null) return;
                // Memory-mapped: pages come from the page cache, shared with any other process mapping the file.
                var parameters = new ModelParams(Path) { LoadMode = LLamaLoadMode.MemoryMap, GpuLayerCount = 0 };
                LLamaWeights weights;
                using (LlamaLog.Route(log))
                    weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken).ConfigureAwait(false);
                ChatTemplate = Metadata(weights, "tokenizer.chat_template");
                LoadedAt = DateTime.UtcNow;
                _weights = weights;
            }
            catch (LoadWeightsFailedException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw LoadFailed(log.Errors);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DockerModelException(ErrorKind.ModelLoadFailed, $"The model file '{Path}' could not be read: {e.Message}", e.Message, e);
            }
            finally
            {
                _loadGate.Release();
            }
        }

        private DockerModelException LoadFailed(string nativeErrors)
        {
            string why = nativeErrors.Length > 0 ? nativeErrors : "llama.cpp gave no reason";
            return new DockerModelException(ErrorKind.ModelLoadFailed,
                $"The model file '{Path}' could not be loaded: it is not a GGUF model llama.cpp can run (corrupt, truncated, " +
                $"or of an architecture it does not know). llama.cpp said: {why}", nativeErrors);
        }

        /// <summary>The context window a call gets: the model's own, capped by the setting.</summary>
        public uint ContextSize(EngineOptions options)
        {
            int trained = Weights.ContextSize;
            int size = trained > 0 ? Math.Min(trained, options.MaxContextSize) : options.MaxContextSize;
            return (uint)Math.Max(size, 32);
        }

        /// <summary>A context for one call: the spare one when it fits, else a new one.</summary>
        public LLamaContext TakeContext(EngineOptions options, CallLog log)
        {
            uint size = ContextSize(options);
            int threads = options.Threads ?? EngineOptions.DefaultThreads;
            LLamaContext? context = null;
            lock (_spare)
            {
                while (context is null && _spare.Count > 0)
                {
                    var spare = _spare.Pop();
                    if (spare.ContextSize == size) context = spare;
                    else Release(spare);
                }
            }
            if (context is null)
            {
                var parameters = new ModelParams(Path) { ContextSize = size, Threads = threads, BatchThreads = threads, SeqMax = 1 };
                using (LlamaLog.Route(log))
                    context = Weights.CreateContext(parameters);
                lock (_spare) ContextsHeld++;
            }
            else
            {
                context.NativeHandle.MemoryClear(); // what the previous call left in the KV cache
                if (context.GenerationThreads != threads) context.GenerationThreads = threads;
                if (context.BatchThreads != threads) context.BatchThreads = threads;
            }
            LastContextSize = (int)size;
            return context;
        }

        public void ReturnContext(LLamaContext context)
        {
            lock (_spare)
            {
                if (!Doomed && _spare.Count < SpareContexts)
                {
                    _spare.Push(context);
                    return;
                }
                Release(context);
            }
        }

        /// <summary>A context made for one call only (embeddings): never kept.</summary>
        public void DropContext(LLamaContext context)
        {
            lock (_spare) Release(context);
        }

        /// <summary>A context for embeddings: the whole input in one batch, pooled to one vector per input.</summary>
        public LLamaContext CreateEmbeddingContext(EngineOptions options, CallLog log)
        {
            uint size = ContextSize(options);
            int threads = options.Threads ?? EngineOptions.DefaultThreads;
            // A language model has no pooling of its own: average its last hidden states (an embedding model keeps its own).
            bool ownPooling = Metadata(Weights, Metadata(Weights, "general.architecture") + ".pooling_type") != null;
            var parameters = new ModelParams(Path)
            {
                ContextSize = size, BatchSize = size, UBatchSize = size, Threads = threads, BatchThreads = threads, SeqMax = 1,
                Embeddings = true, PoolingType = ownPooling ? LLamaPoolingType.Unspecified : LLamaPoolingType.Mean,
            };
            LLamaContext context;
            using (LlamaLog.Route(log))
                context = Weights.CreateContext(parameters);
            lock (_spare) ContextsHeld++;
            LastContextSize = (int)size;
            return context;
        }

        private void Release(LLamaContext context)
        {
            context.Dispose();
            ContextsHeld--;
        }

        /// <summary>Estimated bytes of the KV caches held (f16 keys and values for every layer and position).</summary>
        public long ContextBytes()
        {
            var w = _weights;
            if (w is null || w.NativeHandle.HeadCount == 0) return 0;
            var handle = w.NativeHandle;
            long kvWidth = (long)handle.EmbeddingSize / handle.HeadCount * handle.KVHeadCount;
            lock (_spare) return ContextsHeld * (long)LastContextSize * handle.LayerCount * kvWidth * 2 * sizeof(ushort);
        }

        public long WeightsBytes => _weights is { } w ? (long)w.SizeInBytes : 0;

        // The table LLamaSharp reads by index at load: its MetadataValueByKey returned null for keys the file has
        // (general.architecture, llama.pooling_type), which hid an embedding model's own pooling.
        public static string? Metadata(LLamaWeights weights, string key) =>
            weights.Metadata.TryGetValue(key, out string? value) ? value : null;

        public void Dispose()
        {
            lock (_spare)
            {
                while (_spare.Count > 0) Release(_spare.Pop());
            }
            _weights?.Dispose();
            _weights = null;
        }
    }
}
