using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Lifecycle
{
    /// <summary>One row per store: Docker Model Runner (<c>docker model df</c>), the module's store and Docker's store on disk.</summary>
    public static class StorageReport
    {
        /// <param name="cacheBytes">The module's response cache, reported on the module's store row; null when there is none.</param>
        public static async Task<IReadOnlyList<ModelStorage>> BuildAsync(DockerModelClient docker, ModelStores stores, long? cacheBytes,
            CancellationToken cancellationToken)
        {
            var rows = new List<ModelStorage>();
            try
            {
                var (models, engine) = await docker.GetDiskUsageAsync(cancellationToken).ConfigureAwait(false);
                rows.Add(new ModelStorage { Store = ModelStoreKind.DockerModelRunner, ModelBytes = models, EngineBytes = engine });
            }
            catch (DockerModelException e) when (e.Kind is ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing or ErrorKind.RunnerNotRunning or ErrorKind.RunnerUnreachable)
            {
                rows.Add(new ModelStorage { Store = ModelStoreKind.DockerModelRunner, Note = e.Message });
            }
            rows.Add(Scan(stores.Module, cacheBytes));
            if (stores.Docker != null && stores.Docker.Exists) rows.Add(Scan(stores.Docker, null));
            return rows;
        }

        private static ModelStorage Scan(ModelStore store, long? cacheBytes)
        {
            try
            {
                var row = StoreScan.Measure(store);
                return cacheBytes is null ? row : new ModelStorage
                {
                    Store = row.Store, Path = row.Path, Models = row.Models, ModelBytes = row.ModelBytes, IncompleteBytes = row.IncompleteBytes,
                    UnreferencedBytes = row.UnreferencedBytes, FreeBytes = row.FreeBytes, VolumeBytes = row.VolumeBytes, CacheBytes = cacheBytes,
                };
            }
            catch (ModelStoreException e)
            {
                return new ModelStorage { Store = store.Kind, Path = store.Root, Note = e.Message };
            }
        }
    }
}
