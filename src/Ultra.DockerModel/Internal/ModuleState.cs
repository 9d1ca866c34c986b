using System;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>What lives for the whole PowerShell session: the docker adapter (the environment is read at each child start).</summary>
    internal static class ModuleState
    {
        private static readonly Lazy<DockerModelClient> LazyClient = new(() => new DockerModelClient());

        public static DockerModelClient Docker => LazyClient.Value;

        /// <summary>Every local model (runner and stores on disk); made for each use, as the store folders follow the environment and settings.</summary>
        public static LocalModelCatalog Catalog() => new(Docker, ModelStores.Open());
    }
}
