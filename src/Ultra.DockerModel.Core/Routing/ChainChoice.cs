namespace Ultra.DockerModel.Routing
{
    /// <summary>What one call asked for, as far as choosing providers goes (Invoke-LocalLlm's routing parameters).</summary>
    public sealed class ChainChoice
    {
        /// <summary>-Model: the local runner with this model (or, with <see cref="Provider"/>, that provider's model).</summary>
        public string? Model { get; init; }
        /// <summary>-Provider: this saved entry only.</summary>
        public string? Provider { get; init; }
        /// <summary>-Transport; null when the call did not say, so each entry keeps its own.</summary>
        public LlmTransport? Transport { get; init; }
        /// <summary>-NoFallback: the first provider only.</summary>
        public bool NoFallback { get; init; }
        /// <summary>The entry that gave the response being continued (<see cref="LlmResponse.ProviderEntry"/>), if any.</summary>
        public LlmProvider? Conversation { get; init; }
    }
}
