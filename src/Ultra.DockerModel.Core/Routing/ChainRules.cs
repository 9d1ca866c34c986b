using System;
using System.Linq;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// The provider the call asked for comes first: -Provider NAME (with -Model as its model), else -Model on the
    /// local runner, else the provider and model that gave the response being continued.
    /// </summary>
    public sealed class RequestedProviderRule : IChainRule
    {
        public void Apply(ChainContext context)
        {
            var choice = context.Choice;
            if (choice.Provider != null)
            {
                var named = context.FindSaved(choice.Provider) ?? throw new DockerModelException(ErrorKind.InvalidInvocation,
                    $"There is no provider named '{choice.Provider}'. See Get-LlmProviderFallback for the configured ones.");
                // A Docker model name is checked here, before any request or process.
                if (choice.Model != null && named.Kind == LlmProviderKind.DockerModelRunner) ModelReference.Validate(choice.Model);
                context.RequestedModel = choice.Model;
                context.Add(named.With(model: choice.Model));
            }
            else if (choice.Model != null)
            {
                ModelReference.Validate(choice.Model);
                context.RequestedModel = choice.Model;
                context.Add(LlmProvider.LocalRunner(choice.Model));
            }
            else if (choice.Conversation is { } previous)
            {
                // The saved entry of that name, as it is now (its endpoint or key variable may have changed); the entry
                // the response carried when the chain no longer has it (or it is turned off, or unreadable).
                var saved = context.Saved.Providers.FirstOrDefault(p => p.Enabled && p.Kind == previous.Kind
                    && string.Equals(p.Name, previous.Name, StringComparison.OrdinalIgnoreCase));
                context.RequestedModel = previous.Model;
                // A conversation never goes over the CLI: an entry that answered over it (-Transport Cli on that call)
                // continues over HTTP; only this call's own -Transport Cli still refuses, with its clear error.
                var entry = saved ?? previous;
                context.Add(entry.With(model: previous.Model, transport: entry.Transport == LlmTransport.Cli ? LlmTransport.Auto : null));
            }
        }
    }

    /// <summary>Then the saved chain's enabled entries, unless -Provider named the one provider to use.</summary>
    public sealed class SavedChainRule : IChainRule
    {
        public void Apply(ChainContext context)
        {
            if (context.Choice.Provider != null) return;
            foreach (var p in context.Saved.Providers.Where(p => p.Enabled)) context.Add(p);
        }
    }
}
