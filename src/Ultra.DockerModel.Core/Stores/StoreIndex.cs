using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Ultra.DockerModel.Stores
{
    /// <summary>One model of <c>models.json</c>: its id (manifest digest), tags, and files (layer digests, then the config's).</summary>
    public sealed class StoreIndexEntry
    {
        public StoreIndexEntry(string id, IEnumerable<string> tags, IEnumerable<string> files)
        {
            Id = id;
            Tags = tags.ToList();
            Files = files.ToList();
        }

        public string Id { get; }
        public List<string> Tags { get; }
        public List<string> Files { get; }
    }

    /// <summary>
    /// Docker's <c>models.json</c> (model-runner pkg/distribution/internal/store/index.go): read with share-friendly opens,
    /// written in the same shape. A file that cannot be parsed is an error naming it; it is never overwritten.
    /// </summary>
    public sealed class StoreIndex
    {
        public List<StoreIndexEntry> Models { get; } = new();

        public StoreIndexEntry? FindById(string id) => Models.FirstOrDefault(m => m.Id == id);

        /// <summary>The index at <paramref name="path"/>; an empty one when the file does not exist (as Docker treats it).</summary>
        public static StoreIndex Read(string path)
        {
            byte[]? bytes = StoreFiles.ReadAllBytesShared(path);
            if (bytes is null) return new StoreIndex();
            try
            {
                return Parse(bytes);
            }
            catch (Exception e) when (e is JsonException || e is FormatException || e is InvalidOperationException)
            {
                throw new ModelStoreException(path, $"is not a valid model index ({e.Message}). It was left as it is, and so were the " +
                    "models' files: repair it or move it aside (the store's models reappear once it is valid).", e);
            }
        }

        private static StoreIndex Parse(byte[] bytes)
        {
            var index = new StoreIndex();
            if (bytes.Length == 0) throw new FormatException("the file is empty");
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the file does not hold a JSON object");
            if (!root.TryGetProperty("models", out var models) || models.ValueKind == JsonValueKind.Null) return index;
            if (models.ValueKind != JsonValueKind.Array) throw new FormatException("'models' is not a list");
            foreach (var m in models.EnumerateArray())
            {
                string id = m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : throw new FormatException("a model has no id");
                index.Models.Add(new StoreIndexEntry(id, Strings(m, "tags"), Strings(m, "files")));
            }
            return index;
        }

        // Go writes a nil list as null.
        private static IEnumerable<string> Strings(JsonElement e, string name) =>
            e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : new List<string>();

        /// <summary>The file's bytes, indented as Docker writes them.</summary>
        public byte[] ToJson()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteStartArray("models");
                foreach (var m in Models)
                {
                    w.WriteStartObject();
                    w.WriteString("id", m.Id);
                    w.WriteStartArray("tags");
                    foreach (var t in m.Tags) w.WriteStringValue(t);
                    w.WriteEndArray();
                    w.WriteStartArray("files");
                    foreach (var f in m.Files) w.WriteStringValue(f);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return buffer.ToArray();
        }
    }
}
