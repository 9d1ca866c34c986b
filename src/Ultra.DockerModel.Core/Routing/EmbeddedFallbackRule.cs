using System;
using System.Linq;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// `-Model M` with no chain configured: M may also run in-process (the embedded engine) when it is in a model store
    /// on this computer, or when -AutoPull may fetch it there. Where Docker Model Runner cannot be (no docker, no model
    /// plugin, no MODEL_RUNNER_HOST) the embedded engine is the only provider (a -Verbose note says why; nothing falls
    /// back, so no warning); elsewhere it comes after the local runner, which falls back to it with the usual warning.
    /// With a chain configured, -Provider, or the setting off, it adds nothing: the chain says where Embedded is used.
    /// </summary>
    public sealed class EmbeddedFallbackRule : IChainRule
    {
        /// <summary>The name of the entry this rule adds (LlmResponse.Provider when it answers).</summary>
        public const string ProviderName = "Embedded";

        private readonly bool _enabled;
        private readonly bool _autoPull;
        private readonly Func<string, bool> _inStores;
        private readonly Func<string?> _whyNoRunner;

        /// <param name="inStores">Whether a store on disk holds the model.</param>
        /// <param name="whyNoRunner">Why Docker Model Runner cannot be there, or null (default: <see cref="DockerPresence"/> and MODEL_RUNNER_HOST).</param>
        public EmbeddedFallbackRule(bool enabled, bool autoPull, Func<string, bool> inStores, Func<string?>? whyNoRunner = null)
        {
            _enabled = enabled;
            _autoPull = autoPull;
            _inStores = inStores;
            _whyNoRunner = whyNoRunner ?? WhyNoRunner;
        }

        public void Apply(ChainContext context)
        {
            var choice = context.Choice;
            if (!_enabled || choice.Model is null || choice.Provider != null || context.Saved.Providers.Any(p => p.Enabled)) return;
            var local = context.Entries.FirstOrDefault(p => p.Kind == LlmProviderKind.DockerModelRunner && p.Endpoint is null && p.ServesModel(choice.Model));
            if (local is null || !(_autoPull || _inStores(choice.Model))) return;
            if (_whyNoRunner() is string why)
            {
                context.Remove(local);
                context.Notes.Add($"{why}: running '{choice.Model}' in-process with the embedded engine.");
            }
            context.Add(LlmProvider.EmbeddedModel(choice.Model));
        }

        private static string? WhyNoRunner() =>
            string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MODEL_RUNNER_HOST")) ? DockerPresence.WhyMissing() : null;
    }
}
