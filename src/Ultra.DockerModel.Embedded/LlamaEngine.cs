using System;
using System.Collections.Generic;
using System.IO;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Embedded.Chat;
using Ultra.DockerModel.Embedded.Embeddings;
using Ultra.DockerModel.Embedded.Models;
using Ultra.DockerModel.Embedded.Native;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Embedded
{
    /// <summary>
    /// The engine, created once per process by Core's EmbeddedEngineHost inside the engine's load context. Its
    /// constructor loads llama.cpp's native libraries (before any LLamaSharp type runs) and fails whole, with the reason.
    /// </summary>
    public sealed class LlamaEngine : IEmbeddedEngine, IDisposable
    {
        private readonly ModelCache _cache = new();

        public LlamaEngine()
        {
            NativeDirectory = NativeLibraries.Load(Path.GetDirectoryName(typeof(LlamaEngine).Assembly.Location)!);
            try
            {
                NativeApi.llama_empty_call(); // runs LLamaSharp's native initialisation now, on the files loaded above
            }
            catch (Exception e) when (e is RuntimeError or TypeInitializationException or DllNotFoundException)
            {
                throw new DockerModelException(ErrorKind.EngineUnavailable, $"llama.cpp could not be initialised from '{NativeDirectory}': {e.GetBaseException().Message}", e.GetBaseException().Message, e);
            }
        }

        /// <summary>The native build in use (e.g. runtimes/linux-x64/native/avx2).</summary>
        public string NativeDirectory { get; }

        public IChatClient CreateChatClient(string modelPath, EngineOptions options, IEngineLog? log = null) =>
            new LlamaChatClient(_cache, modelPath, options, log);

        public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string modelPath, EngineOptions options, IEngineLog? log = null) =>
            new LlamaEmbeddingGenerator(_cache, modelPath, options, log);

        public IReadOnlyList<LoadedModelInfo> GetLoadedModels() => _cache.List();

        public int Unload(string? modelPath = null) => _cache.Unload(modelPath);

        public void Dispose() => _cache.Dispose();
    }
}
