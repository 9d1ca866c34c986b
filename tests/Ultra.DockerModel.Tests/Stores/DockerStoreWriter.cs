using System.Collections.Generic;
using System.IO;
using System.Linq;
using RegistryKit;

namespace Ultra.DockerModel.Tests.Stores;

/// <summary>
/// Writes a store the way Docker Model Runner does (model-runner pkg/distribution/internal/store): blobs, raw manifests,
/// layout.json and a Go-indented models.json, plus a bundle folder as the runner makes on first load.
/// </summary>
internal static class DockerStoreWriter
{
    public static void Write(string root, params (ModelArtifact Artifact, string[] Tags)[] models)
    {
        Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
        Directory.CreateDirectory(Path.Combine(root, "manifests", "sha256"));
        File.WriteAllText(Path.Combine(root, "layout.json"), "{\n  \"version\": \"1.0.0\"\n}");
        var entries = new List<string>();
        foreach (var (artifact, tags) in models)
        {
            foreach (var blob in artifact.Blobs) File.WriteAllBytes(Path.Combine(root, "blobs", "sha256", blob.Digest[7..]), blob.Bytes);
            File.WriteAllBytes(Path.Combine(root, "manifests", "sha256", artifact.ManifestDigest[7..]), artifact.Manifest);
            string bundle = Path.Combine(root, "bundles", "sha256", artifact.ManifestDigest[7..], "model");
            Directory.CreateDirectory(bundle);
            File.WriteAllBytes(Path.Combine(bundle, "model.gguf"), artifact.GgufLayer.Bytes);
            string tagList = tags.Length == 0 ? "null" : "[\n        " + string.Join(",\n        ", tags.Select(t => $"\"{t}\"")) + "\n      ]";
            entries.Add($"    {{\n      \"id\": \"{artifact.ManifestDigest}\",\n      \"tags\": {tagList},\n      \"files\": [\n        " +
                string.Join(",\n        ", artifact.Blobs.Select(b => $"\"{b.Digest}\"")) + "\n      ]\n    }");
        }
        File.WriteAllText(Path.Combine(root, "models.json"), "{\n  \"models\": [\n" + string.Join(",\n", entries) + "\n  ]\n}");
    }

    /// <summary>Every file under the folder with its bytes and time, to show nothing was changed or added.</summary>
    public static Dictionary<string, (byte[] Bytes, System.DateTime Written)> Snapshot(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f)));
}
