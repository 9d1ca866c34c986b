using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace Ultra.DockerModel.Engine
{
    /// <summary>
    /// The embedded llama.cpp engine as Core sees it. The implementation lives in Ultra.DockerModel.Embedded (net10.0,
    /// its own load context); only this interface, the types beside it and Microsoft.Extensions.AI's types cross over.
    /// One per process, thread-safe: loaded models are shared by every runspace and call.
    /// </summary>
    public interface IEmbeddedEngine
    {
        /// <summary>
        /// A chat client over the GGUF at <paramref name="modelPath"/> (loaded on its first call, kept loaded until idle).
        /// It honours ChatOptions' Temperature, TopP, TopK, Seed, MaxOutputTokens, StopSequences, FrequencyPenalty,
        /// PresencePenalty, and a GBNF grammar set with <see cref="EngineChatOptions.SetGrammar"/>.
        /// </summary>
        IChatClient CreateChatClient(string modelPath, EngineOptions options, IEngineLog? log = null);

        /// <summary>Embeddings from an embedding GGUF (or a language model's hidden state, mean-pooled), one vector per input.</summary>
        IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(string modelPath, EngineOptions options, IEngineLog? log = null);

        /// <summary>The models loaded now, with their memory.</summary>
        IReadOnlyList<LoadedModelInfo> GetLoadedModels();

        /// <summary>
        /// Releases the model at <paramref name="modelPath"/> (all models when null). A model in use is released when its
        /// calls end. Returns how many models were released or marked for release.
        /// </summary>
        int Unload(string? modelPath = null);
    }
}
