using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Ultra.DockerModel.Registry;

namespace Ultra.DockerModel.Stores
{
    /// <summary>
    /// A model store on disk in Docker Model Runner's layout (model-runner pkg/distribution/internal/store):
    /// <c>layout.json</c>, <c>models.json</c>, <c>manifests/sha256/&lt;hex&gt;</c> (raw manifests) and
    /// <c>blobs/sha256/&lt;hex&gt;</c> (raw layers and configs; a GGUF layer blob is the GGUF file itself).
    /// This class only reads: Docker's own store is opened through it and never changed.
    /// </summary>
    public class ModelStore
    {
        public ModelStore(string root, ModelStoreKind kind)
        {
            Root = Path.GetFullPath(root);
            Kind = kind;
        }

        public string Root { get; }
        public ModelStoreKind Kind { get; }
        public string IndexPath => Path.Combine(Root, "models.json");
        public string LayoutPath => Path.Combine(Root, "layout.json");

        /// <summary>Whether a store is there at all (Docker writes layout.json and models.json when it creates one).</summary>
        public bool Exists => File.Exists(LayoutPath) || File.Exists(IndexPath);

        public string BlobPath(string digest) => Path.Combine(Root, "blobs", "sha256", OciDigest.Hex(digest));

        public string ManifestPath(string digest) => Path.Combine(Root, "manifests", "sha256", OciDigest.Hex(digest));

        /// <summary>The index; a file caught mid-rewrite by another program (Windows has a short window) is read again once.</summary>
        public StoreIndex ReadIndex()
        {
            try
            {
                return StoreIndex.Read(IndexPath);
            }
            catch (ModelStoreException)
            {
                Thread.Sleep(100);
                return StoreIndex.Read(IndexPath);
            }
        }

        /// <summary>Every model of the store, with its GGUF path(s) when all of its GGUF blobs are there.</summary>
        public IReadOnlyList<LocalModel> List()
        {
            if (!Exists) return Array.Empty<LocalModel>();
            return ReadIndex().Models.Where(e => OciDigest.IsSha256(e.Id)).Select(Describe).ToList();
        }

        /// <summary>
        /// One index entry as a LocalModel. The runner's own listing is built from the same index, manifest and config,
        /// so the entry is shaped like one model of <c>docker model ls --json</c> and read by the same parser.
        /// </summary>
        internal LocalModel Describe(StoreIndexEntry entry)
        {
            OciManifest? manifest = null;
            JsonDocument? config = null;
            try
            {
                byte[]? raw = StoreFiles.ReadAllBytesShared(ManifestPath(entry.Id));
                if (raw != null) manifest = TryParse(raw, entry.Id);
                byte[]? configBytes = manifest is null ? null : StoreFiles.ReadAllBytesShared(BlobPath(manifest.Config.Digest));
                if (configBytes != null) config = TryParseJson(configBytes);

                var model = DockerModelJson.ParseModel(RunnerShaped(entry, manifest, config));
                var copy = model.Copy();
                copy.Store = Kind;
                copy.GgufPath = GgufPaths(manifest);
                return copy;
            }
            finally
            {
                config?.Dispose();
            }
        }

        private IReadOnlyList<string> GgufPaths(OciManifest? manifest)
        {
            if (manifest is null) return Array.Empty<string>();
            var paths = manifest.GgufLayers.Select(l => BlobPath(l.Digest)).ToList();
            return paths.Count > 0 && paths.All(File.Exists) ? paths : Array.Empty<string>();
        }

        private static OciManifest? TryParse(byte[] raw, string id)
        {
            try { return OciManifest.Parse(raw, id); }
            catch (NotAModelException) { return null; }
        }

        private static JsonDocument? TryParseJson(byte[] bytes)
        {
            try { return JsonDocument.Parse(bytes); }
            catch (JsonException) { return null; }
        }

        // {"id","tags","created","config":{...}} as the runner's /models answer has it; "size" falls back to the GGUF bytes.
        private static JsonElement RunnerShaped(StoreIndexEntry entry, OciManifest? manifest, JsonDocument? config)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("id", entry.Id);
                w.WriteStartArray("tags");
                foreach (var t in entry.Tags) w.WriteStringValue(t);
                w.WriteEndArray();
                var root = config?.RootElement;
                if (root is { ValueKind: JsonValueKind.Object } r)
                {
                    if (r.TryGetProperty("descriptor", out var d) && d.ValueKind == JsonValueKind.Object
                        && d.TryGetProperty("created", out var c) && c.ValueKind == JsonValueKind.String
                        && DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
                        w.WriteNumber("created", created.ToUnixTimeSeconds());
                    w.WritePropertyName("config");
                    w.WriteStartObject();
                    bool hasSize = false;
                    if (r.TryGetProperty("config", out var inner) && inner.ValueKind == JsonValueKind.Object)
                        foreach (var p in inner.EnumerateObject())
                        {
                            hasSize |= p.Name == "size";
                            p.WriteTo(w);
                        }
                    if (!hasSize && manifest != null && manifest.GgufLayers.Any())
                        w.WriteString("size", manifest.GgufLayers.Sum(l => l.Size).ToString(CultureInfo.InvariantCulture) + " B");
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            using var doc = JsonDocument.Parse(buffer.ToArray());
            return doc.RootElement.Clone();
        }
    }
}
