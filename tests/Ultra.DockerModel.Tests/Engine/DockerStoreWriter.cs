using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ultra.DockerModel.Tests.Engine;

/// <summary>
/// Puts a GGUF file into a model store in Docker Model Runner's layout, as the runner leaves it after a pull:
/// blobs/sha256/&lt;hex&gt; (the GGUF and the config), manifests/sha256/&lt;hex&gt; (an OCI manifest with Docker's media
/// types), models.json (id, tags, files: layers then config) and layout.json.
/// </summary>
public static class DockerStoreWriter
{
    public static string Add(string store, string tag, string gguf)
    {
        string layerDigest = Digest(File.ReadAllBytes(gguf), out long layerSize);
        string blob = BlobPath(store, layerDigest);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        File.Copy(gguf, blob, overwrite: true);

        byte[] config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            config = new { format = "gguf", architecture = "llama", parameters = "0.2M", quantization = "F32", size = $"{layerSize} B", context_size = 2048 },
            descriptor = new { created = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ") },
            rootfs = new { type = "rootfs", diff_ids = new[] { layerDigest } },
        });
        string configDigest = Write(store, config);
        byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.oci.image.manifest.v1+json",
            config = new { mediaType = "application/vnd.docker.ai.model.config.v0.1+json", digest = configDigest, size = config.Length },
            layers = new[] { new { mediaType = "application/vnd.docker.ai.gguf.v3", digest = layerDigest, size = layerSize } },
        });
        string id = Digest(manifest, out _);
        string manifestPath = Path.Combine(store, "manifests", "sha256", id["sha256:".Length..]);
        Directory.CreateDirectory(Path.GetDirectoryName(manifestPath)!);
        File.WriteAllBytes(manifestPath, manifest);

        string index = Path.Combine(store, "models.json");
        var root = File.Exists(index) ? JsonNode.Parse(File.ReadAllText(index))!.AsObject() : new JsonObject { ["models"] = new JsonArray() };
        var models = root["models"]!.AsArray();
        foreach (var other in models) other!["tags"]!.AsArray().Where(t => (string?)t == tag).ToList().ForEach(t => other["tags"]!.AsArray().Remove(t));
        models.Add(new JsonObject { ["id"] = id, ["tags"] = new JsonArray(tag), ["files"] = new JsonArray(layerDigest, configDigest) });
        File.WriteAllText(index, root.ToJsonString());
        File.WriteAllText(Path.Combine(store, "layout.json"), "{\"version\":\"1.0.0\"}");
        return blob;
    }

    private static string Write(string store, byte[] bytes)
    {
        string digest = Digest(bytes, out _);
        string path = BlobPath(store, digest);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return digest;
    }

    private static string BlobPath(string store, string digest) => Path.Combine(store, "blobs", "sha256", digest["sha256:".Length..]);

    private static string Digest(byte[] bytes, out long size)
    {
        size = bytes.Length;
        return "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
    }
}
