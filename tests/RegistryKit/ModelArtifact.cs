using System.Security.Cryptography;
using System.Text;

namespace RegistryKit;

/// <summary>One blob of an artifact: its bytes, digest and media type.</summary>
public sealed record Blob(string MediaType, byte[] Bytes)
{
    public string Digest { get; } = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Bytes));
    public long Size => Bytes.Length;
}

/// <summary>
/// A model artifact shaped as Docker Model Runner packages one (model-runner pkg/distribution): an OCI image manifest
/// whose config is <c>application/vnd.docker.ai.model.config.v0.1+json</c> and whose layers are a GGUF and a licence.
/// </summary>
public sealed class ModelArtifact
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string ModelConfig = "application/vnd.docker.ai.model.config.v0.1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string Gguf = "application/vnd.docker.ai.gguf.v3";
    public const string License = "application/vnd.docker.ai.license";

    private ModelArtifact(Blob config, IReadOnlyList<Blob> layers, byte[] manifest, string mediaType)
    {
        Config = config;
        Layers = layers;
        Manifest = manifest;
        MediaType = mediaType;
    }

    public Blob Config { get; }
    public IReadOnlyList<Blob> Layers { get; }
    public byte[] Manifest { get; }
    public string MediaType { get; }
    public string ManifestDigest => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Manifest));
    public Blob GgufLayer => Layers.First(l => l.MediaType == Gguf);
    public IEnumerable<Blob> Blobs => Layers.Append(Config);

    /// <summary>A model with a generated GGUF of <paramref name="ggufSize"/> bytes (seeded) and a licence layer.</summary>
    public static ModelArtifact Create(int ggufSize = 64 * 1024, int seed = 1, string configMediaType = ModelConfig, string license = "MIT License\n\nTest-only licence text.\n")
    {
        var gguf = new Blob(Gguf, TinyGguf.Create(ggufSize, seed));
        var licence = new Blob(License, Encoding.UTF8.GetBytes(license));
        string config = "{\"config\":{\"format\":\"gguf\",\"quantization\":\"F16\",\"parameters\":\"1.23M\",\"architecture\":\"llama\","
            + $"\"size\":\"{gguf.Size} B\",\"context_size\":2048,\"gguf\":{{\"general.architecture\":\"llama\",\"general.name\":\"tiny-test-model\"}}}},"
            + "\"descriptor\":{\"created\":\"2026-11-29T12:00:00Z\"},"
            + $"\"rootfs\":{{\"type\":\"rootfs\",\"diff_ids\":[\"{gguf.Digest}\",\"{licence.Digest}\"]}}}}";
        return FromBlobs(new Blob(configMediaType, Encoding.UTF8.GetBytes(config)), new[] { gguf, licence });
    }

    /// <summary>An artifact with the given config and layers (e.g. a container image, to be refused).</summary>
    public static ModelArtifact FromBlobs(Blob config, IReadOnlyList<Blob> layers)
    {
        static string Descriptor(Blob b) => $"{{\"mediaType\":\"{b.MediaType}\",\"size\":{b.Size},\"digest\":\"{b.Digest}\"}}";
        string manifest = $"{{\"schemaVersion\":2,\"mediaType\":\"{OciManifest}\",\"config\":{Descriptor(config)},\"layers\":[{string.Join(",", layers.Select(Descriptor))}]}}";
        return new ModelArtifact(config, layers, Encoding.UTF8.GetBytes(manifest), OciManifest);
    }

    /// <summary>An image index pointing at <paramref name="platform"/>'s manifest: a multi-platform image, not a model.</summary>
    public static (byte[] Index, string MediaType) IndexOf(ModelArtifact platform) =>
        (Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{OciIndex}\",\"manifests\":[{{\"mediaType\":\"{OciManifest}\",\"size\":{platform.Manifest.Length},\"digest\":\"{platform.ManifestDigest}\",\"platform\":{{\"architecture\":\"amd64\",\"os\":\"linux\"}}}}]}}"), OciIndex);
}
