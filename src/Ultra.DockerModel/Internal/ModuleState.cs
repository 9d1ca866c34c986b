using System;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// What lives across calls: the docker adapter (the environment is read at each child start), and per runspace the
    /// providers found unavailable (so parallel runspaces never share, nor race on, each other's cool-downs).
    /// </summary>
    public static class ModuleState
    {
        private static readonly Lazy<DockerModelClient> LazyClient = new(() => new DockerModelClient());
        private static readonly ConditionalWeakTable<Runspace, ProviderCooldown> Cooldowns = new();

        internal static DockerModelClient Docker => LazyClient.Value;

        /// <summary>Every local model (runner and stores on disk); made for each use, as the store folders follow the environment and settings.</summary>
        internal static LocalModelCatalog Catalog() => new(Docker, ModelStores.Open());

        /// <summary>The cool-down of the runspace running on this thread; a new one (kept nowhere) outside any runspace.</summary>
        public static ProviderCooldown Cooldown =>
            Runspace.DefaultRunspace is { } runspace ? Cooldowns.GetValue(runspace, _ => new ProviderCooldown()) : new ProviderCooldown();
    }
}
