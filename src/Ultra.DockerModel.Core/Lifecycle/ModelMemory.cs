using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Routing;

namespace Ultra.DockerModel.Lifecycle
{
    /// <summary>
    /// The engines that hold models in memory, for the cmdlets that list, unload and measure them: Docker Model Runner
    /// (<c>docker model ps</c> / <c>unload</c>; it does not report memory) and the embedded engine (its loaded models,
    /// with their memory; asked only once it is loaded, never loaded for this). One per cmdlet call.
    /// </summary>
    public sealed class ModelMemory
    {
        public const string EmbeddedEngine = "Embedded";

        private readonly DockerModelClient _docker;
        private readonly EmbeddedEngineHost _engine;
        private readonly Func<string, string?>? _findInStores;

        /// <param name="findInStores">The GGUF file a store on disk holds for a Docker model name (Embedded providers).</param>
        public ModelMemory(DockerModelClient docker, EmbeddedEngineHost engine, Func<string, string?>? findInStores)
        {
            _docker = docker;
            _engine = engine;
            _findInStores = findInStores;
        }

        /// <summary>The engines the providers of <paramref name="clients"/> run on.</summary>
        public ModelMemory(ChatClientFactory clients) : this(clients.Docker, clients.EmbeddedEngine, clients.FindInStores) { }

        /// <summary>
        /// Set when the last list or unload-all left the runner out because it is not there (not installed, not running,
        /// unreachable) while the embedded engine is loaded: the engine's models were still listed or unloaded.
        /// </summary>
        public DockerModelException? RunnerUnavailable { get; private set; }

        /// <summary>
        /// The models held in memory now: the runner's, then the embedded engine's. A runner that is not there is an
        /// error unless the embedded engine is loaded (then <see cref="RunnerUnavailable"/> says why its part is missing).
        /// </summary>
        public async Task<IReadOnlyList<LoadedModel>> ListAsync(CancellationToken cancellationToken)
        {
            RunnerUnavailable = null;
            var embedded = EmbeddedModels();
            try
            {
                var runner = await _docker.ListLoadedAsync(cancellationToken).ConfigureAwait(false);
                return runner.Concat(embedded).ToList();
            }
            catch (DockerModelException e) when (_engine.Loaded != null && IsAbsent(e))
            {
                RunnerUnavailable = e;
                return embedded;
            }
        }

        /// <summary>
        /// Unloads one loaded model (null: every one, on both engines); returns how many went. The runner keeps a model
        /// answering a request; the embedded engine releases such a model when its calls end (and counts it).
        /// </summary>
        public async Task<int> UnloadAsync(LoadedModel? model, CancellationToken cancellationToken)
        {
            if (model?.Engine == EmbeddedEngine) return _engine.Loaded?.Unload(model.Path ?? model.Name) ?? 0;
            if (model != null) return await _docker.UnloadAsync(model.Name, cancellationToken).ConfigureAwait(false);
            RunnerUnavailable = null;
            int released = _engine.Loaded?.Unload() ?? 0;
            try
            {
                return released + await _docker.UnloadAsync(null, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerModelException e) when (_engine.Loaded != null && IsAbsent(e))
            {
                RunnerUnavailable = e;
                return released;
            }
        }

        /// <summary>
        /// Unloads the provider's model so that its next call loads it again; false when this provider's memory is not the
        /// module's to manage (a remote endpoint). An Embedded model that is not loaded is already so: true.
        /// </summary>
        public async Task<bool> UnloadAsync(LlmProvider provider, CancellationToken cancellationToken)
        {
            if (provider.Kind == LlmProviderKind.Embedded && provider.Model != null)
            {
                _engine.Loaded?.Unload(EmbeddedModelFile.Resolve(provider.Model, _findInStores));
                return true;
            }
            if (!IsLocalRunner(provider)) return false;
            await _docker.UnloadAsync(provider.Model!, cancellationToken).ConfigureAwait(false);
            return true;
        }

        /// <summary>Bytes the provider's engine holds for its model now (the embedded engine's weights and contexts); null where the engine does not say.</summary>
        public Task<long?> MemoryAsync(LlmProvider provider, CancellationToken cancellationToken)
        {
            if (provider.Kind != LlmProviderKind.Embedded || provider.Model is null || _engine.Loaded is not { } engine) return Task.FromResult<long?>(null);
            string file = EmbeddedModelFile.Resolve(provider.Model, _findInStores);
            var loaded = engine.GetLoadedModels().FirstOrDefault(m => EmbeddedModelFile.SameFile(m.Path, file));
            return Task.FromResult(loaded?.MemoryBytes);
        }

        private IReadOnlyList<LoadedModel> EmbeddedModels()
        {
            if (_engine.Loaded is not { } engine) return Array.Empty<LoadedModel>();
            var now = DateTime.UtcNow;
            return engine.GetLoadedModels().Select(m => new LoadedModel
            {
                // Docker's names as the runner shows them; a file by its path.
                Name = !EmbeddedModelFile.IsPath(m.Name) && ModelReference.IsValid(m.Name) ? ModelReference.Normalize(m.Name) : m.Name,
                Engine = EmbeddedEngine,
                Backend = "llama.cpp",
                Until = m.ReleaseAt is DateTime at ? Until(at - now) : "in use",
                MemoryBytes = m.MemoryBytes,
                Path = m.Path,
            }).ToList();
        }

        // The runner's own words for the same thing (docker model ps): "4 minutes from now", "Expiring".
        private static string Until(TimeSpan left)
        {
            if (left <= TimeSpan.Zero) return "Expiring";
            if (left.TotalMinutes >= 2) return $"{(int)left.TotalMinutes} minutes from now";
            if (left.TotalSeconds >= 2) return $"{(int)left.TotalSeconds} seconds from now";
            return "Less than a second from now";
        }

        private static bool IsAbsent(DockerModelException e) =>
            e.Kind is ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing or ErrorKind.RunnerNotRunning or ErrorKind.RunnerUnreachable;

        // The docker CLI reaches the runner a provider without an endpoint of its own talks to.
        private static bool IsLocalRunner(LlmProvider provider) =>
            provider.Kind == LlmProviderKind.DockerModelRunner && string.IsNullOrEmpty(provider.Endpoint) && provider.Model != null;
    }
}
