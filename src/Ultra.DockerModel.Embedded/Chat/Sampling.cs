using System;
using LLama.Sampling;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Embedded.Models;
using Ultra.DockerModel.Embedded.Native;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Structured;

namespace Ultra.DockerModel.Embedded.Chat
{
    /// <summary>ChatOptions to llama.cpp's sampler chain. Unset values take llama-server's defaults, as Docker Model Runner does.</summary>
    internal static class Sampling
    {
        /// <summary>
        /// The request's grammar: one set with EngineChatOptions.SetGrammar, else the JSON of its ResponseFormat (-Schema,
        /// -AsJson), which llama-server builds from response_format itself and this engine builds here.
        /// </summary>
        private static string? Grammar(ChatOptions? options, out string root) =>
            options.Grammar(out root) ?? (options?.ResponseFormat is ChatResponseFormatJson json ? JsonSchemaGrammar.For(json) : null);

        public static DefaultSamplingPipeline Create(ChatOptions? options, ResidentModel model, CallLog log)
        {
            string? gbnf = Grammar(options, out string root);
            if (gbnf != null) GrammarCheck.Validate(model, gbnf, root, log);
            try
            {
                var pipeline = new DefaultSamplingPipeline
                {
                    Temperature = options?.Temperature ?? 0.8f,
                    TopP = options?.TopP ?? 0.95f,
                    TopK = options?.TopK ?? 40,
                    MinP = 0.05f,
                    FrequencyPenalty = options?.FrequencyPenalty ?? 0f,
                    PresencePenalty = options?.PresencePenalty ?? 0f,
                    Grammar = gbnf is null ? null : new Grammar(gbnf, root),
                };
                if (options?.Seed is long seed) pipeline.Seed = unchecked((uint)seed);
                return pipeline;
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new DockerModelException(ErrorKind.InvalidInvocation, $"A sampling option is out of range: {e.Message}", null, e);
            }
        }
    }
}
