using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Parses the JSON forms of <c>docker model ls --json</c>, <c>inspect</c> and <c>status --json</c>, leniently:
    /// text printed before the JSON (Docker Engine's auto-install lines) is skipped, <c>null</c> is an empty list,
    /// and older stores' un-normalized tags and older status schemas are accepted.
    /// </summary>
    public static class DockerModelJson
    {
        public static IReadOnlyList<LocalModel> ParseModelList(string stdout)
        {
            string json = FromFirst(stdout, '[', allowNull: true);
            if (json.Length == 0 || json.StartsWith("null", StringComparison.Ordinal)) return Array.Empty<LocalModel>();
            using var doc = JsonDocument.Parse(json, Options);
            return doc.RootElement.ValueKind == JsonValueKind.Array
                ? doc.RootElement.EnumerateArray().Select(ParseModel).ToList()
                : Array.Empty<LocalModel>();
        }

        public static LocalModel ParseModelObject(string stdout)
        {
            using var doc = JsonDocument.Parse(FromFirst(stdout, '{', allowNull: false), Options);
            return ParseModel(doc.RootElement);
        }

        public static LocalModel ParseModel(JsonElement e)
        {
            var tags = e.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => x.GetString()).Where(x => !string.IsNullOrEmpty(x)).Select(x => ModelReference.Normalize(x!)).ToList()
                : new List<string>();
            string id = Str(e, "id") ?? "";
            var config = e.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
            return new LocalModel
            {
                Name = tags.Count > 0 ? tags[0] : id,
                Tags = tags,
                Id = id,
                Created = e.TryGetProperty("created", out var cr) && cr.TryGetInt64(out long secs) && secs > 0
                    ? DateTimeOffset.FromUnixTimeSeconds(secs).UtcDateTime : null,
                Format = Str(config, "format"),
                Architecture = Str(config, "architecture"),
                Parameters = Str(config, "parameters"),
                Quantization = Str(config, "quantization"),
                Size = Size(config),
                ContextSize = ContextSize(config),
            };
        }

        /// <summary><c>configure show</c>: ModelConfigEntry objects, whose keys Go writes capitalised (no json tags).</summary>
        public static IReadOnlyList<ModelConfiguration> ParseConfigurations(string stdout)
        {
            string json = FromFirst(stdout, '[', allowNull: true);
            if (json.Length == 0 || json.StartsWith("null", StringComparison.Ordinal)) return Array.Empty<ModelConfiguration>();
            using var doc = JsonDocument.Parse(json, Options);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return Array.Empty<ModelConfiguration>();
            return doc.RootElement.EnumerateArray().Select(e =>
            {
                var config = e.TryGetProperty("Config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
                string? model = Str(e, "Model");
                return new ModelConfiguration
                {
                    Name = string.IsNullOrEmpty(model) ? Str(e, "ModelID") ?? "" : ModelReference.Normalize(model!),
                    Id = Str(e, "ModelID") ?? "",
                    Backend = Str(e, "Backend"),
                    Mode = Str(e, "Mode"),
                    ContextSize = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("context-size", out var cs) && cs.TryGetInt32(out int n) && n > 0 ? n : null,
                    RuntimeFlags = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("runtime-flags", out var f) && f.ValueKind == JsonValueKind.Array
                        ? f.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : new List<string>(),
                    KeepAlive = GoDuration.ParseKeepAlive(Str(config, "keep_alive")),
                    Reasoning = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("llamacpp", out var l) && l.ValueKind == JsonValueKind.Object
                        && l.TryGetProperty("reasoning-budget", out var rb) && rb.TryGetInt32(out int budget) ? budget != 0 : null,
                };
            }).ToList();
        }

        /// <summary><c>status --json</c>: running, backends, and (since late 2025) kind and endpointHost.</summary>
        public static (bool Running, IReadOnlyDictionary<string, string> Backends, string? Kind, string? Endpoint, string? EndpointHost) ParseStatus(string stdout)
        {
            using var doc = JsonDocument.Parse(FromFirst(stdout, '{', allowNull: false), Options);
            var root = doc.RootElement;
            var backends = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("backends", out var b) && b.ValueKind == JsonValueKind.Object)
                foreach (var p in b.EnumerateObject()) backends[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            bool running = root.TryGetProperty("running", out var r) && r.ValueKind == JsonValueKind.True;
            return (running, backends, Str(root, "kind"), Str(root, "endpoint"), Str(root, "endpointHost"));
        }

        private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

        // CNCF (ModelPack) models have no byte size: the runner puts their parameter count in both "size" and
        // "parameters" ("0.6B", "8b"), so Size is unknown then, never 1 byte.
        private static long? Size(JsonElement config)
        {
            string? size = Str(config, "size");
            string? parameters = Str(config, "parameters");
            if (size != null && parameters != null && string.Equals(size.Replace(" ", ""), parameters.Replace(" ", ""), StringComparison.OrdinalIgnoreCase))
                return null;
            return ByteSize.Parse(size);
        }

        private static int? ContextSize(JsonElement config)
        {
            if (config.ValueKind != JsonValueKind.Object) return null;
            if (config.TryGetProperty("context_size", out var cs) && cs.TryGetInt32(out int n) && n > 0) return n;
            if (config.TryGetProperty("gguf", out var g) && g.ValueKind == JsonValueKind.Object
                && int.TryParse(Str(g, "llama.context_length"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int m)) return m;
            return null;
        }

        private static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        // The JSON starts at the first line that opens with '[' / '{' (or is 'null'); anything before it is noise.
        private static string FromFirst(string text, char open, bool allowNull)
        {
            int pos = 0;
            foreach (var line in text.Split('\n'))
            {
                string trimmed = line.TrimStart();
                if (trimmed.Length > 0 && (trimmed[0] == open || (allowNull && trimmed.StartsWith("null", StringComparison.Ordinal))))
                    return text.Substring(pos + (line.Length - trimmed.Length)).Trim();
                pos += line.Length + 1;
            }
            if (allowNull) return "";
            throw new DockerModelException(ErrorKind.Unknown, "docker model printed no JSON where JSON was expected.", text);
        }
    }
}
