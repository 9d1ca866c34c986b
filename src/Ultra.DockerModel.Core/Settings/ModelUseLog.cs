using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Settings
{
    /// <summary>When a model was last run, and since when the module knows it (settings.json, <c>modelUse</c>).</summary>
    public sealed class ModelUse
    {
        public DateTime? LastUsed { get; set; }
        public DateTime FirstSeen { get; set; }
    }

    /// <summary>
    /// Records when local models are run, for Remove-LocalModel -Unused. A model's use is written at most once an hour
    /// per process (the throttle is a thread-safe map, written only when a record is due), so a script calling a
    /// thousand times writes the settings file once. A settings file that cannot be read or written is left alone: a
    /// missed record never fails the call.
    /// </summary>
    public static class ModelUseLog
    {
        private static readonly TimeSpan Resolution = TimeSpan.FromHours(1);
        private static readonly ConcurrentDictionary<(string Folder, string Model), DateTime> Written = new();

        /// <summary>Notes that <paramref name="model"/> (a reference; normalized) answered a call now.</summary>
        public static void RecordUse(string model, SettingsStore? store = null)
        {
            if (!ModelReference.IsValid(model)) return;
            store ??= new SettingsStore();
            string key = ModelReference.Normalize(model);
            var now = DateTime.UtcNow;
            if (Written.TryGetValue((store.Folder, key), out var at) && now - at < Resolution) return;
            try
            {
                store.Update(s =>
                {
                    var use = s.ModelUse.TryGetValue(key, out var u) ? u : s.ModelUse[key] = new ModelUse { FirstSeen = now };
                    use.LastUsed = now;
                });
                Written[(store.Folder, key)] = now;
            }
            catch (DockerModelException e) when (e.Kind == ErrorKind.SettingsInvalid) { }
        }

        /// <summary>
        /// Notes the use of the local model that gave <paramref name="response"/>: the runner's, or a model of a store on
        /// disk that the embedded engine ran under its Docker name (a .gguf path names no model of a store; another
        /// provider's model is not local).
        /// </summary>
        public static void RecordAnswer(LlmResponse response, SettingsStore? store = null)
        {
            var entry = response.ProviderEntry;
            string? model = entry?.Kind switch
            {
                LlmProviderKind.DockerModelRunner when entry.Endpoint is null => response.Model,
                LlmProviderKind.Embedded when entry.Model != null && !EmbeddedModelFile.IsPath(entry.Model) => entry.Model,
                _ => null,
            };
            if (model != null) RecordUse(model, store);
        }

        /// <summary>
        /// When each of <paramref name="names"/> was last used, or first seen by the module when it never was; names never
        /// seen before are recorded as seen now (so a model is only ever "unused" for as long as the module has known it).
        /// </summary>
        public static IReadOnlyDictionary<string, DateTime> LastActivity(IEnumerable<string> names, SettingsStore? store = null)
        {
            store ??= new SettingsStore();
            var keys = names.Where(ModelReference.IsValid).Select(ModelReference.Normalize).Distinct().ToList();
            var now = DateTime.UtcNow;
            var settings = store.Load();
            if (keys.Any(k => !settings.ModelUse.ContainsKey(k)))
                settings = store.Update(s =>
                {
                    foreach (string k in keys)
                        if (!s.ModelUse.ContainsKey(k)) s.ModelUse[k] = new ModelUse { FirstSeen = now };
                });
            return keys.ToDictionary(k => k, k => settings.ModelUse[k].LastUsed ?? settings.ModelUse[k].FirstSeen);
        }
    }
}
