using System;
using System.Collections.Generic;
using System.Linq;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Lifecycle
{
    /// <summary>A model not run for a while, and when it last was (or was first seen by the module).</summary>
    public sealed class UnusedModel
    {
        public LocalModel Model { get; init; } = null!;
        public DateTime LastActivity { get; init; }
    }

    /// <summary>
    /// Which installed models Remove-LocalModel -Unused may remove: not run for at least the given time (by the module's
    /// record; a model it never saw run counts from when it first saw it), not loaded now, and not only in Docker's
    /// store on disk, which the module never changes.
    /// </summary>
    public static class UnusedModels
    {
        /// <param name="activity">Last use (or first sight) per normalized tag, as <see cref="Settings.ModelUseLog.LastActivity"/> gives it.</param>
        /// <param name="skip">Told about each model left alone, and why.</param>
        public static IReadOnlyList<UnusedModel> Select(IEnumerable<LocalModel> models, IReadOnlyList<LoadedModel> loaded,
            IReadOnlyDictionary<string, DateTime> activity, TimeSpan unused, DateTime utcNow, Action<LocalModel, string> skip)
        {
            var result = new List<UnusedModel>();
            foreach (var model in models)
            {
                if ((model.Store & (ModelStoreKind.DockerModelRunner | ModelStoreKind.ModuleStore)) == 0)
                {
                    skip(model, "it is only in Docker's store on disk, which this module never changes");
                    continue;
                }
                // The embedded engine may hold it by its file (a provider that named the .gguf path of the store's blob).
                if (loaded.Any(l => ModelReference.Matches(model.Tags, model.Id, l.Name) || (l.Path != null && model.GgufPath.Any(file => EmbeddedModelFile.SameFile(file, l.Path)))))
                {
                    skip(model, "it is loaded now (in use)");
                    continue;
                }
                var times = model.Tags.Select(ModelReference.Normalize).Where(activity.ContainsKey).Select(t => activity[t]).ToList();
                if (times.Count == 0)
                {
                    skip(model, "it has no tag, so its use is not recorded");
                    continue;
                }
                var last = times.Max();
                if (utcNow - last >= unused) result.Add(new UnusedModel { Model = model, LastActivity = last });
            }
            return result;
        }
    }
}
