using System;

namespace Ultra.DockerModel
{
    /// <summary>One try of one provider during a call: who, how long, and why it failed if it did.</summary>
    public sealed class LlmAttempt
    {
        public string Provider { get; init; } = "";
        public string? Model { get; init; }
        public bool Succeeded { get; init; }
        public TimeSpan Duration { get; init; }
        /// <summary>The stable error id (an <see cref="ErrorKind"/> name) when the try failed.</summary>
        public string? ErrorId { get; init; }
        public string? Error { get; init; }

        /// <summary>The try of <paramref name="provider"/> that took <paramref name="duration"/> and failed with <paramref name="error"/> (null: it answered).</summary>
        public static LlmAttempt Of(LlmProvider provider, TimeSpan duration, DockerModelException? error) => new()
        {
            Provider = provider.Name,
            Model = provider.Model,
            Succeeded = error is null,
            Duration = duration,
            ErrorId = error?.ErrorId,
            Error = error?.Message,
        };

        public override string ToString() => Succeeded
            ? $"{Provider} ({Model}): answered in {Duration.TotalMilliseconds:0} ms"
            : $"{Provider} ({Model}): {ErrorId} after {Duration.TotalMilliseconds:0} ms: {Error}";
    }
}
