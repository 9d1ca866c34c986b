using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Caching
{
    /// <summary>
    /// The digest of a provider's model when a store on disk says it (the module's store, Docker's when readable):
    /// a re-pulled model with new weights is then another cache key. Read once per call and only when asked; a
    /// model no store holds (a runner whose store is inside a VM, an OpenAI-compatible server) keys on its name.
    /// </summary>
    public static class ModelDigests
    {
        public static Func<LlmProvider, string?> Of(ModuleSettings settings)
        {
            IReadOnlyList<LocalModel>? models = null;
            return provider =>
            {
                if (provider.Kind == LlmProviderKind.OpenAICompatible || provider.Model is null || !ModelReference.IsValid(provider.Model)) return null;
                try
                {
                    models ??= ModelStores.Open(settings).List();
                }
                catch (Exception e) when (e is DockerModelException || e is IOException || e is UnauthorizedAccessException)
                {
                    models = Array.Empty<LocalModel>();
                }
                return models.FirstOrDefault(m => ModelReference.Matches(m, provider.Model))?.Id;
            };
        }
    }
}
