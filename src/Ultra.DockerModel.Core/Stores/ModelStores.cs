using System;
using System.Collections.Generic;
using System.Linq;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Stores
{
    /// <summary>
    /// Every model store on disk: the module's own (writable) and Docker's (read only), listed as one, merged by model id.
    /// <para>
    /// For running a model in-process: <c>ModelStores.Open().FindGguf("ai/smollm2")</c> returns the model with
    /// <see cref="LocalModel.GgufPath"/> (the GGUF file(s), in shard order; a single-file model's blob loads as it is)
    /// and its ContextSize/Architecture, or throws <see cref="ModelNotFoundException"/>. Names are matched as
    /// Get-LocalModel matches them (short names, tags, ids). Open the files read-only and share-friendly, and do not
    /// keep Docker's blobs mapped longer than needed (on Windows a mapped file blocks <c>docker model rm</c>).
    /// </para>
    /// </summary>
    public sealed class ModelStores
    {
        public ModelStores(ModuleStore module, ModelStore? docker)
        {
            Module = module;
            Docker = docker;
        }

        public ModuleStore Module { get; }
        /// <summary>Docker's store on disk, when one was found; read only.</summary>
        public ModelStore? Docker { get; }

        /// <summary>
        /// The stores at their configured places (<see cref="StoreLocations"/>), reading settings.json for the module
        /// store's folder; a settings file that cannot be read leaves that folder at its default.
        /// </summary>
        public static ModelStores Open()
        {
            ModuleSettings? settings;
            try { settings = new SettingsStore().Load(); }
            catch (DockerModelException) { settings = null; }
            return Open(settings);
        }

        /// <summary>The stores at their configured places, with these settings.</summary>
        public static ModelStores Open(ModuleSettings? settings)
        {
            string? docker = StoreLocations.DockerStore();
            return new ModelStores(new ModuleStore(StoreLocations.ModuleStore(settings)),
                docker is null ? null : new ModelStore(docker, ModelStoreKind.DockerStore));
        }

        /// <summary>Every model on disk, merged by id (a model in both stores is listed once, with both flags).</summary>
        public IReadOnlyList<LocalModel> List() => Merge(Module.List(), Docker?.List() ?? Array.Empty<LocalModel>());

        /// <summary>
        /// The model <paramref name="name"/> names (tag, short name or id) with all its GGUF files on disk: the module's
        /// store first, then Docker's. Throws <see cref="ModelNotFoundException"/> when no store holds it complete.
        /// </summary>
        public LocalModel FindGguf(string name)
        {
            ModelReference.Validate(name);
            var model = List().FirstOrDefault(m => m.GgufPath.Count > 0 && ModelReference.Matches(m, name));
            return model ?? throw new ModelNotFoundException(name);
        }

        /// <summary>
        /// Lists merged by id: the first list's model gives the fields, tags are joined, <see cref="LocalModel.Store"/>
        /// flags are or-ed, and the GGUF paths come from the first store on disk that has them.
        /// </summary>
        public static IReadOnlyList<LocalModel> Merge(params IEnumerable<LocalModel>[] lists)
        {
            var merged = new List<LocalModel>();
            var byId = new Dictionary<string, LocalModel>(StringComparer.OrdinalIgnoreCase);
            foreach (var model in lists.SelectMany(l => l))
            {
                if (model.Id.Length == 0 || !byId.TryGetValue(model.Id, out var seen))
                {
                    var copy = model.Copy();
                    if (model.Id.Length > 0) byId[model.Id] = copy;
                    merged.Add(copy);
                    continue;
                }
                seen.Store |= model.Store;
                seen.Tags = seen.Tags.Concat(model.Tags.Where(t => !seen.Tags.Contains(t))).ToList();
                if (seen.GgufPath.Count == 0) seen.GgufPath = model.GgufPath;
            }
            return merged;
        }
    }
}
