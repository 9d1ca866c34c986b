using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Caching
{
    /// <summary>
    /// The digest of a provider's model when a store on disk says it (the module's store, Docker's when readable):
    /// a re-pulled model with new weights is then another cache key. Read once per call and only when asked; a
    /// model no store holds (a runner whose store is inside a VM, an OpenAI-compatible server) keys on its name.
    /// An Embedded provider's .gguf path keys on the file itself: its full path, size and time of last change (what the
    /// engine checks before it reuses a loaded model), not on the path as typed.
    /// </summary>
    public static class ModelDigests
    {
        public static Func<LlmProvider, string?> Of(ModuleSettings settings)
        {
            IReadOnlyList<LocalModel>? models = null;
            return provider =>
            {
                if (provider.Kind == LlmProviderKind.Embedded && provider.Model != null && EmbeddedModelFile.IsPath(provider.Model))
                    return OfFile(provider.Model);
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

        /// <summary>A model file as the engine would load it now; null when there is none (the call fails with ModelNotFound).</summary>
        public static string? OfFile(string path)
        {
            try
            {
                var file = new FileInfo(EmbeddedModelFile.Resolve(path, null));
                return FormattableString.Invariant($"file:{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}");
            }
            catch (Exception e) when (e is ModelNotFoundException || e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
