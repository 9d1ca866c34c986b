using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Routing;

namespace Ultra.DockerModel.Providers
{
    /// <summary>Conversions between this module's messages and Microsoft.Extensions.AI's, and what a request needs.</summary>
    internal static class ChatRequest
    {
        public static List<ChatMessage> ToChat(IEnumerable<LlmMessage> messages) =>
            messages.Select(m => new ChatMessage(new ChatRole(m.Role), m.Content)).ToList();

        /// <summary>The update property by which a client reports how many invalid UTF-8 sequences it replaced with U+FFFD.</summary>
        public const string InvalidUtf8Key = "InvalidUtf8Sequences";

        public static AdditionalPropertiesDictionary InvalidUtf8(int count) => new() { [InvalidUtf8Key] = count };

        /// <summary>The request's sampling options as Microsoft.Extensions.AI carries them to a chat client.</summary>
        public static ChatOptions Options(LlmRequest request, string? model) => new()
        {
            ModelId = model,
            Temperature = request.Temperature,
            MaxOutputTokens = request.MaxTokens,
            TopP = request.TopP,
            TopK = request.TopK,
            Seed = request.Seed,
            StopSequences = request.Stop?.ToList(),
            FrequencyPenalty = request.FrequencyPenalty,
            PresencePenalty = request.PresencePenalty,
            ResponseFormat = request.Schema?.ToResponseFormat(),
        };

        /// <summary>What the CLI transport cannot pass, named as the cmdlet's parameters, for its refusal.</summary>
        public const string CliCannotCarry =
            "a system prompt, a conversation, a schema (-Schema, -AsJson) or sampling options (-Temperature, -MaxTokens, -TopP, -TopK, -Seed, -Stop, -FrequencyPenalty, -PresencePenalty)";

        /// <summary>True when the request is one user prompt and nothing else: all the CLI transport can carry.</summary>
        public static bool IsPlainPrompt(IReadOnlyList<ChatMessage> messages, ChatOptions? options) =>
            messages.Count == 1 && messages[0].Role == ChatRole.User
            && options?.Temperature is null && options?.MaxOutputTokens is null && options?.TopP is null && options?.TopK is null
            && options?.Seed is null && options?.StopSequences is not { Count: > 0 } && options?.FrequencyPenalty is null
            && options?.PresencePenalty is null && options?.ResponseFormat is null;
    }
}
