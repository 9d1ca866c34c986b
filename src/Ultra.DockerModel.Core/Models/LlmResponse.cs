using System;
using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel
{
    /// <summary>A complete answer. <see cref="ToString"/> is the text, so <c>"$r"</c> and <c>Set-Content</c> give the answer.</summary>
    public sealed record LlmResponse
    {
        public string Text { get; init; } = "";
        /// <summary>
        /// A reasoning model's thinking before its answer (HTTP <c>reasoning_content</c>, or the CLI's <c>Thinking:</c>
        /// block); null when there was none. Never part of <see cref="Text"/> or of the <see cref="History"/> sent back.
        /// </summary>
        public string? Reasoning { get; init; }
        public string? Model { get; init; }
        /// <summary>The provider that answered (its name in the fallback chain, or <c>DockerModelRunner</c>).</summary>
        public string Provider { get; init; } = "";
        /// <summary>
        /// The chain entry that answered, as it was used (kind, endpoint, model; never a key): piping this response back
        /// into Invoke-LocalLlm continues with it, even once the saved chain no longer holds it.
        /// </summary>
        public LlmProvider? ProviderEntry { get; init; }
        /// <summary><c>stop</c>, <c>length</c> or what the provider reported; null when it did not say.</summary>
        public string? FinishReason { get; init; }
        public TimeSpan Elapsed { get; init; }
        public TimeSpan? TimeToFirstToken { get; init; }
        public int? PromptTokens { get; init; }
        public int? CompletionTokens { get; init; }
        public IReadOnlyList<LlmAttempt> Attempts { get; init; } = Array.Empty<LlmAttempt>();
        /// <summary>The conversation including this answer; pipe the response back in to continue it.</summary>
        public IReadOnlyList<LlmMessage> History { get; init; } = Array.Empty<LlmMessage>();
        /// <summary>True when the answer came from the response cache (-Cache) rather than from a provider.</summary>
        public bool Cached { get; init; }
        /// <summary>With -Schema or -AsJson and -AsResponse: the parsed answer (a PSCustomObject or an instance of the class).</summary>
        public object? Value { get; init; }

        public override string ToString() => Text;
    }
}

namespace Ultra.DockerModel
{
    internal static class LlmResponseExtensions
    {
        /// <summary>The response with the call's attempts, total time and the conversation so far (this answer appended).</summary>
        public static LlmResponse With(this LlmResponse r, IReadOnlyList<LlmAttempt> attempts, TimeSpan elapsed, IReadOnlyList<LlmMessage> asked) => r with
        {
            Elapsed = elapsed,
            Attempts = attempts.ToArray(),
            History = new List<LlmMessage>(asked) { new("assistant", r.Text) },
        };

        /// <summary>The response with every try of a call that asked more than once (a schema retry).</summary>
        public static LlmResponse WithAttempts(this LlmResponse r, IReadOnlyList<LlmAttempt> attempts) => r with { Attempts = attempts.ToArray() };
    }
}
