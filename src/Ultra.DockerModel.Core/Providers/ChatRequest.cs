using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;

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

        /// <summary>True when the request is one user prompt and nothing else: all the CLI transport can carry.</summary>
        public static bool IsPlainPrompt(IReadOnlyList<ChatMessage> messages, ChatOptions? options) =>
            messages.Count == 1 && messages[0].Role == ChatRole.User
            && options?.Temperature is null && options?.MaxOutputTokens is null && options?.ResponseFormat is null;
    }
}
