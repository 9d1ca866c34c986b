using System;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// What lives across calls: the docker adapter (the environment is read at each child start), where the runner's HTTP
    /// API is (one thread-safe cache for the session: it describes the process's environment, which every runspace
    /// shares), and per runspace the providers found unavailable (so parallel runspaces never share, nor race on, each
    /// other's cool-downs).
    /// </summary>
    public static class ModuleState
    {
        private static readonly Lazy<DockerModelClient> LazyClient = new(() => new DockerModelClient());
        private static readonly Lazy<RunnerEndpoint> LazyEndpoint = new(() => new RunnerEndpoint(LazyClient.Value));
        private static readonly ConditionalWeakTable<Runspace, ProviderCooldown> Cooldowns = new();

        internal static DockerModelClient Docker => LazyClient.Value;

        internal static RunnerEndpoint Endpoint => LazyEndpoint.Value;

        /// <summary>
        /// The clients a call's providers get, sharing the session's endpoint (looked up once, not per call); Embedded
        /// providers find their models in the stores on disk and pull into the module's store.
        /// </summary>
        /// <param name="threads">A call's own engine thread count (-Threads), over the setting.</param>
        /// <param name="engineLog">Where llama.cpp's log lines of the call go (the pipeline thread), or nowhere.</param>
        internal static ChatClientFactory ChatClients(ModuleSettings settings, int? threads = null, IEngineLog? engineLog = null) => new(Docker, Endpoint)
        {
            EngineOptions = EngineSettings.From(settings, threads),
            EngineLog = engineLog,
            FindInStores = name => EmbeddedModelFile.InStores(ModelStores.Open(settings), name),
            PullToStore = (name, progress, token) => new ModelPuller(new ModuleStore(StoreLocations.ModuleStore(settings))).PullAsync(name, progress, token),
        };

        /// <summary>The models in memory: the runner's, and the embedded engine's once it is loaded (Docker names found in the stores on disk).</summary>
        internal static ModelMemory Memory() => new(Docker, EmbeddedEngineHost.Default, name => EmbeddedModelFile.InStores(ModelStores.Open(), name));

        /// <summary>Every local model (runner and stores on disk); made for each use, as the store folders follow the environment and settings.</summary>
        internal static LocalModelCatalog Catalog() => new(Docker, ModelStores.Open());

        /// <summary>The cool-down of the runspace running on this thread; a new one (kept nowhere) outside any runspace.</summary>
        public static ProviderCooldown Cooldown =>
            Runspace.DefaultRunspace is { } runspace ? Cooldowns.GetValue(runspace, _ => new ProviderCooldown()) : new ProviderCooldown();
    }
}
