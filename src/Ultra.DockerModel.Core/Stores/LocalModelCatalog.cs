using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Stores
{
    /// <summary>What <see cref="LocalModelCatalog.ListAsync"/> found, and why a part of it may be missing.</summary>
    public sealed class ModelListing
    {
        internal ModelListing(IReadOnlyList<LocalModel> models, DockerModelException? runnerError, IReadOnlyList<ModelStoreException> storeErrors)
        {
            Models = models;
            RunnerError = runnerError;
            StoreErrors = storeErrors;
        }

        public IReadOnlyList<LocalModel> Models { get; }
        /// <summary>Why Docker Model Runner's models are not in the list (no docker, no plugin, runner stopped or unreachable).</summary>
        public DockerModelException? RunnerError { get; }
        /// <summary>Stores on disk that could not be read (a corrupt models.json); the other stores are listed.</summary>
        public IReadOnlyList<ModelStoreException> StoreErrors { get; }
    }

    /// <summary>
    /// Every local model in one list, merged by id: Docker Model Runner's (when it answers) and the stores on disk
    /// (the module's and Docker's). Without Docker the stores on disk are still listed; the runner's absence is
    /// reported, not thrown.
    /// </summary>
    public sealed class LocalModelCatalog
    {
        private readonly DockerModelClient _docker;
        private readonly ModelStores _stores;

        public LocalModelCatalog(DockerModelClient docker, ModelStores stores)
        {
            _docker = docker;
            _stores = stores;
        }

        public ModelStores Stores => _stores;

        /// <summary>A runner error that means "no runner here", as opposed to a runner that answered wrongly.</summary>
        public static bool IsRunnerUnavailable(DockerModelException e) =>
            e.Kind is ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing or ErrorKind.RunnerNotRunning or ErrorKind.RunnerUnreachable;

        /// <param name="where">The stores to list (flags); the runner is only asked when <see cref="ModelStoreKind.DockerModelRunner"/> is among them.</param>
        public async Task<ModelListing> ListAsync(ModelStoreKind where, CancellationToken cancellationToken)
        {
            IReadOnlyList<LocalModel> runner = Array.Empty<LocalModel>();
            DockerModelException? runnerError = null;
            if (where.HasFlag(ModelStoreKind.DockerModelRunner))
            {
                try { runner = await _docker.ListAsync(cancellationToken).ConfigureAwait(false); }
                catch (DockerModelException e) when (IsRunnerUnavailable(e)) { runnerError = e; }
            }
            var errors = new List<ModelStoreException>();
            var lists = new List<IEnumerable<LocalModel>> { runner };
            foreach (var store in new ModelStore?[] { _stores.Module, _stores.Docker })
            {
                if (store is null || !where.HasFlag(store.Kind)) continue;
                try { lists.Add(store.List()); }
                catch (ModelStoreException e) { errors.Add(e); }
            }
            return new ModelListing(ModelStores.Merge(lists.ToArray()), runnerError, errors);
        }
    }
}
