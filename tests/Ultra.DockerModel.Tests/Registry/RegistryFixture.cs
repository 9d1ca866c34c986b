using System;
using System.IO;
using System.Text;
using RegistryKit;

namespace Ultra.DockerModel.Tests.Registry;

/// <summary>
/// One open docker-registry per test class, holding the artifacts the cases need. Blobs are shared registry-wide,
/// so each artifact that a test damages has its own seed (its own GGUF digest).
/// </summary>
public sealed class RegistryFixture : IDisposable
{
    public const int GgufSize = 256 * 1024;

    public RegistryFixture()
    {
        if (LocalRegistry.SkipReason != null) return; // every [RegistryFact] is skipped
        Registry = LocalRegistry.Start();
        Tiny = ModelArtifact.Create(GgufSize, seed: 1);
        TinyV2 = ModelArtifact.Create(GgufSize, seed: 2);
        Registry.Push("ai/tiny", "latest", Tiny);
        Registry.Push("ai/tiny", "v2", TinyV2);

        Registry.Push("ai/image", "latest", ModelArtifact.FromBlobs(
            new Blob(ModelArtifact.ImageConfig, Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}")),
            new[] { new Blob("application/vnd.oci.image.layer.v1.tar", new byte[] { 1, 2, 3 }) }));
        var platform = ModelArtifact.Create(1024, seed: 5);
        Registry.Push("ai/multi", "platform", platform);
        var (index, indexType) = ModelArtifact.IndexOf(platform);
        Registry.PushManifest("ai/multi", "latest", index, indexType);

        // Served with a flipped byte (same size): the registry does not check what it serves.
        Broken = ModelArtifact.Create(GgufSize, seed: 3);
        Registry.Push("ai/broken", "latest", Broken);
        var blob = File.ReadAllBytes(Registry.BlobFile(Broken.GgufLayer.Digest));
        blob[GgufSize / 2] ^= 0xFF;
        File.WriteAllBytes(Registry.BlobFile(Broken.GgufLayer.Digest), blob);

        // A manifest whose stored bytes no longer hash to the digest the registry announces (still valid JSON).
        BadManifest = ModelArtifact.Create(1024, seed: 4);
        Registry.Push("ai/badmanifest", "latest", BadManifest);
        string manifestFile = Registry.BlobFile(BadManifest.ManifestDigest);
        File.WriteAllText(manifestFile, File.ReadAllText(manifestFile).Replace("{\"schemaVersion\":2", "{ \"schemaVersion\":2"));
    }

    public LocalRegistry Registry { get; } = null!;
    public ModelArtifact Tiny { get; } = null!;
    public ModelArtifact TinyV2 { get; } = null!;
    public ModelArtifact Broken { get; } = null!;
    public ModelArtifact BadManifest { get; } = null!;

    public void Dispose() => Registry?.Dispose();
}

/// <summary>A store folder of the test's own, deleted afterwards.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore() => Root = Directory.CreateTempSubdirectory("udm-store-").FullName;

    public string Root { get; }
    public Ultra.DockerModel.Stores.ModuleStore Store => new(Root);
    public string Blob(string digest) => Path.Combine(Root, "blobs", "sha256", digest.Substring(7));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
