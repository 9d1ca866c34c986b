using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Measuring
{
    /// <summary>
    /// The engines that hold models in memory, for the cmdlets that list, unload and measure them: Docker Model Runner
    /// (<c>docker model ps</c> / <c>unload</c>; it does not report memory).
    /// </summary>
    public sealed class ModelMemory
    {
        private readonly DockerModelClient _docker;

        public ModelMemory(DockerModelClient docker) => _docker = docker;

        /// <summary>Unloads the provider's model so that its next call loads it again; false when this provider's memory is not the module's to manage (a remote endpoint).</summary>
        public async Task<bool> UnloadAsync(LlmProvider provider, CancellationToken cancellationToken)
        {
            if (!IsLocalRunner(provider)) return false;
            await _docker.UnloadAsync(provider.Model!, cancellationToken).ConfigureAwait(false);
            return true;
        }

        /// <summary>Bytes the provider's engine holds for its model now; null where the engine does not say.</summary>
        public Task<long?> MemoryAsync(LlmProvider provider, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

        // The docker CLI reaches the runner a provider without an endpoint of its own talks to.
        private static bool IsLocalRunner(LlmProvider provider) =>
            provider.Kind == LlmProviderKind.DockerModelRunner && string.IsNullOrEmpty(provider.Endpoint) && provider.Model != null;
    }
}
