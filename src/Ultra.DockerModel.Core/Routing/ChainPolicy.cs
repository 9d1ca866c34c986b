using System;
using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel.Routing
{
    /// <summary>One step of the chain policy: adds the providers it stands for (through <see cref="ChainContext.Add"/>).</summary>
    public interface IChainRule
    {
        void Apply(ChainContext context);
    }

    /// <summary>
    /// Decides which providers a call tries and in which order. Each rule appends its providers in turn (the one the
    /// call asked for, then the saved chain, then whatever a later rule stands for); then -NoFallback keeps the first.
    /// Pure: no I/O beyond what a rule itself was given, so xunit tests it without a runspace.
    /// </summary>
    public sealed class ChainPolicy
    {
        private readonly IReadOnlyList<IChainRule> _rules;

        public ChainPolicy(IEnumerable<IChainRule> rules) => _rules = rules.ToList();

        /// <summary>The built-in rules: the requested provider, then the saved chain.</summary>
        public static IReadOnlyList<IChainRule> StandardRules { get; } = new IChainRule[] { new RequestedProviderRule(), new SavedChainRule() };

        public static ChainPolicy Standard { get; } = new(StandardRules);

        /// <summary>The chain for <paramref name="choice"/>, given the saved entries (or why they could not be read).</summary>
        /// <exception cref="DockerModelException">InvalidInvocation (unknown -Provider, nothing to try), InvalidModelName, or the settings error.</exception>
        public ProviderChain Resolve(SavedChain saved, ChainChoice choice)
        {
            var context = new ChainContext(saved, choice);
            foreach (var rule in _rules) rule.Apply(context);
            if (context.Entries.Count == 0)
                throw saved.Error ?? new DockerModelException(ErrorKind.InvalidInvocation,
                    "No -Model was given and no fallback chain is configured. Pass -Model (for example -Model ai/smollm2) or set a chain with Set-LlmProviderFallback.");
            var warnings = new List<string>();
            if (saved.Error != null)
                warnings.Add(saved.Error.Message + " This call runs without the saved fallback chain.");
            var providers = choice.NoFallback ? context.Entries.Take(1).ToList() : context.Entries.ToList();
            return new ProviderChain(providers, context.RequestedModel, warnings, context.Notes);
        }
    }

    /// <summary>The saved fallback chain as the settings file gave it, or the error that kept it from being read.</summary>
    public sealed class SavedChain
    {
        public SavedChain(IReadOnlyList<LlmProvider> providers) => Providers = providers;

        private SavedChain(DockerModelException error)
        {
            Providers = Array.Empty<LlmProvider>();
            Error = error;
        }

        /// <summary>A settings file that could not be read: calls that need no chain still run (with a warning).</summary>
        public static SavedChain Unreadable(DockerModelException error) => new(error);

        /// <summary>Every saved entry, disabled ones included; empty when the file could not be read.</summary>
        public IReadOnlyList<LlmProvider> Providers { get; }

        public DockerModelException? Error { get; }
    }

    /// <summary>The chain being built, as the rules see it.</summary>
    public sealed class ChainContext
    {
        private readonly List<LlmProvider> _entries = new();

        internal ChainContext(SavedChain saved, ChainChoice choice)
        {
            Saved = saved;
            Choice = choice;
        }

        public SavedChain Saved { get; }
        public ChainChoice Choice { get; }
        public IReadOnlyList<LlmProvider> Entries => _entries;

        /// <summary>What a rule wants the user to read on -Verbose about its choice.</summary>
        public List<string> Notes { get; } = new();

        /// <summary>Takes an entry a rule before added out again (a provider that cannot be there at all).</summary>
        public void Remove(LlmProvider entry) => _entries.Remove(entry);

        /// <summary>The model the call named; set by the rule that honours -Model or a conversation.</summary>
        public string? RequestedModel { get; set; }

        /// <summary>Appends a copy of <paramref name="provider"/> with the call's -Transport, unless the chain already reaches that model that way.</summary>
        public void Add(LlmProvider provider)
        {
            var entry = provider.With(transport: Choice.Transport);
            if (!_entries.Any(e => e.SameTarget(entry))) _entries.Add(entry);
        }

        /// <summary>The saved entry with this name (case-insensitive); the settings error when the file could not be read.</summary>
        public LlmProvider? FindSaved(string name)
        {
            if (Saved.Error != null) throw Saved.Error;
            return Saved.Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        }
    }
}
