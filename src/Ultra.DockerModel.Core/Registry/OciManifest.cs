using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Ultra.DockerModel.Registry
{
    /// <summary>One blob a manifest names: its media type, digest and exact size.</summary>
    public sealed class OciDescriptor
    {
        public OciDescriptor(string mediaType, string digest, long size)
        {
            MediaType = mediaType;
            Digest = digest;
            Size = size;
        }

        public string MediaType { get; }
        public string Digest { get; }
        public long Size { get; }
    }

    /// <summary>
    /// A model's OCI image manifest, parsed from its raw bytes (the bytes are what the digest, and so the model id, is
    /// computed over: they are kept and stored unchanged, never re-serialised).
    /// </summary>
    public sealed class OciManifest
    {
        private OciManifest(byte[] raw, string? mediaType, OciDescriptor config, IReadOnlyList<OciDescriptor> layers)
        {
            Raw = raw;
            MediaType = mediaType;
            Config = config;
            Layers = layers;
        }

        public byte[] Raw { get; }
        /// <summary>sha256 of <see cref="Raw"/>: the model id.</summary>
        public string Digest => OciDigest.Of(Raw);
        public string? MediaType { get; }
        public OciDescriptor Config { get; }
        /// <summary>In manifest order, which is the shard order of a split GGUF.</summary>
        public IReadOnlyList<OciDescriptor> Layers { get; }

        /// <summary>Layers then the config: the order of <c>files</c> in Docker's <c>models.json</c>.</summary>
        public IEnumerable<OciDescriptor> Blobs => Layers.Concat(new[] { Config });

        public IEnumerable<OciDescriptor> GgufLayers => Layers.Where(l => MediaTypes.IsGguf(l.MediaType));

        /// <summary>
        /// Parses a manifest; <paramref name="model"/> names it in errors. An index, a manifest whose config is not a
        /// model config, or one with malformed descriptors is a <see cref="NotAModelException"/>.
        /// </summary>
        public static OciManifest Parse(byte[] raw, string model)
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(raw); }
            catch (JsonException e) { throw new NotAModelException(model, $"its manifest is not JSON ({e.Message})."); }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new NotAModelException(model, "its manifest is not a JSON object.");
                string? mediaType = Str(root, "mediaType");
                if (MediaTypes.IsIndex(mediaType) || root.TryGetProperty("manifests", out _))
                    throw new NotAModelException(model, "it is an image index (a multi-platform image), not a model manifest.");
                if (!root.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object)
                    throw new NotAModelException(model, "its manifest has no config.");
                var configDescriptor = Descriptor(config, model);
                if (!MediaTypes.ModelConfigs.Contains(configDescriptor.MediaType))
                    throw new NotAModelException(model, $"its config type is '{configDescriptor.MediaType}', not a Docker model config (is it a container image?).");
                var layers = root.TryGetProperty("layers", out var l) && l.ValueKind == JsonValueKind.Array
                    ? l.EnumerateArray().Select(d => Descriptor(d, model)).ToList()
                    : new List<OciDescriptor>();
                return new OciManifest(raw, mediaType, configDescriptor, layers);
            }
        }

        private static OciDescriptor Descriptor(JsonElement e, string model)
        {
            string? digest = Str(e, "digest");
            if (!OciDigest.IsSha256(digest) || !e.TryGetProperty("size", out var s) || !s.TryGetInt64(out long size) || size < 0)
                throw new NotAModelException(model, "its manifest has a layer without a sha256 digest and size.");
            return new OciDescriptor(Str(e, "mediaType") ?? "", digest!, size);
        }

        private static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
