using System;

namespace Ultra.DockerModel.Commands
{
    /// <summary>What lives for the whole PowerShell session: the docker adapter (the environment is read at each child start).</summary>
    internal static class ModuleState
    {
        private static readonly Lazy<DockerModelClient> LazyClient = new(() => new DockerModelClient());

        public static DockerModelClient Docker => LazyClient.Value;
    }
}
