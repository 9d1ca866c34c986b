using System;
using System.Collections.Generic;

namespace Ultra.DockerModel.Routing
{
    /// <summary>What to ask and how long to wait. A record, so a retry can ask again `with` other messages.</summary>
    public sealed record LlmRequest
    {
        public IReadOnlyList<LlmMessage> Messages { get; init; } = Array.Empty<LlmMessage>();
        public float? Temperature { get; init; }
        public int? MaxTokens { get; init; }
        /// <summary>Nucleus sampling: only the most likely tokens whose probabilities add up to this (0 to 1).</summary>
        public float? TopP { get; init; }
        /// <summary>Only the K most likely tokens are candidates at each step.</summary>
        public int? TopK { get; init; }
        /// <summary>The sampler's seed: the same seed, prompt and options give the same answer on the same model.</summary>
        public long? Seed { get; init; }
        /// <summary>Texts that end the answer where they would appear (they are not part of it).</summary>
        public IReadOnlyList<string>? Stop { get; init; }
        /// <summary>Penalises tokens by how often they already appeared (-2 to 2).</summary>
        public float? FrequencyPenalty { get; init; }
        /// <summary>Penalises tokens that already appeared at all (-2 to 2).</summary>
        public float? PresencePenalty { get; init; }
        /// <summary>The shape the answer must have (-Schema, -AsJson); null for free text.</summary>
        public Structured.OutputSchema? Schema { get; init; }
        /// <summary>Bounds the whole call.</summary>
        public TimeSpan? Timeout { get; init; }
        /// <summary>Bounds the wait for the first piece (per provider); a provider's own TimeoutSec applies when null.</summary>
        public TimeSpan? FirstTokenTimeout { get; init; }
        /// <summary>Pull a Docker model that is not installed, then answer.</summary>
        public bool AutoPull { get; init; }
        /// <summary>
        /// False when the caller takes the answer piece by piece and discards the final response (Invoke-LocalLlm -Stream):
        /// the response's Text and History then leave the answer out, which saves a second copy of it (a 10 MB answer
        /// would otherwise be held twice at the end). A failure's PartialText is kept either way.
        /// </summary>
        public bool KeepText { get; init; } = true;
        /// <summary>Tries per provider for transient errors (429, 5xx) after the first.</summary>
        public int MaxRetries { get; init; } = 2;
        public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);
        /// <summary>How long a provider found unavailable is skipped by later calls (the settings' CooldownSec).</summary>
        public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(30);
        /// <summary>A Retry-After longer than this is not waited for: the provider counts as unavailable and the next one is tried.</summary>
        public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);
    }

    /// <summary>An observer that also takes a reasoning model's thinking as it arrives (it is never part of the answer).</summary>
    public interface IReasoningObserver
    {
        void OnReasoning(string text);
    }

    /// <summary>Where the router reports as it goes; the cmdlet forwards these to the pipeline thread.</summary>
    public interface IRouteObserver
    {
        void OnPiece(string text);
        void OnVerbose(string message);
        void OnPullProgress(PullProgress progress);
    }
}
