using System;
using System.IO;
using System.Linq;
using System.Threading;
using RegistryKit;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Stores;
using Ultra.DockerModel.Tests.Registry;
using Ultra.DockerModel.Tests.Stores;
using Xunit;

namespace Ultra.DockerModel.Tests.Lifecycle;

/// <summary>What a store uses on disk, which files belong to no model, and which of those may be deleted.</summary>
public class StoreScanTests
{
    private static readonly ModelArtifact A = ModelArtifact.Create(4096, seed: 11);
    private static readonly ModelArtifact B = ModelArtifact.Create(8192, seed: 12);
    private static readonly ModelArtifact Gone = ModelArtifact.Create(2048, seed: 13);

    // A store with models A and B, the files of a removed model, a download that did not finish and a stray temp file.
    private static TempStore StoreWithLeftovers()
    {
        var temp = new TempStore();
        DockerStoreWriter.Write(temp.Root, (A, new[] { "ai/a:latest" }), (B, new[] { "ai/b:latest" }));
        foreach (var blob in Gone.Blobs) File.WriteAllBytes(temp.Blob(blob.Digest), blob.Bytes);
        File.WriteAllBytes(Path.Combine(temp.Root, "manifests", "sha256", Gone.ManifestDigest[7..]), Gone.Manifest);
        File.WriteAllBytes(temp.Blob("sha256:" + new string('e', 64)) + ".incomplete", new byte[1000]);
        File.WriteAllBytes(Path.Combine(temp.Root, "manifests", "sha256", "x." + Guid.NewGuid().ToString("N") + ".tmp"), new byte[10]);
        return temp;
    }

    private static long Sum(ModelArtifact a) => a.Blobs.Sum(b => b.Size) + a.Manifest.Length;

    // The removed model's files that A and B do not share (the same licence text is the same blob).
    private static readonly Blob[] GoneOnly = Gone.Blobs.Where(g => !A.Blobs.Concat(B.Blobs).Any(b => b.Digest == g.Digest)).ToArray();

    [Fact]
    public void Bytes_are_split_into_models_unfinished_downloads_and_files_no_model_refers_to()
    {
        using var temp = StoreWithLeftovers();
        var usage = StoreScan.Measure(new ModelStore(temp.Root, ModelStoreKind.DockerStore));
        Assert.Equal(ModelStoreKind.DockerStore, usage.Store);
        Assert.Equal(2, usage.Models);
        Assert.Equal(Sum(A) + Sum(B) - A.Blobs.Where(a => B.Blobs.Any(b => b.Digest == a.Digest)).Sum(a => a.Size), usage.ModelBytes);
        Assert.Equal(1000, usage.IncompleteBytes);
        Assert.Equal(GoneOnly.Sum(b => b.Size) + Gone.Manifest.Length + 10, usage.UnreferencedBytes);
        Assert.True(usage.FreeBytes > 0 && usage.VolumeBytes >= usage.FreeBytes, $"free {usage.FreeBytes} of {usage.VolumeBytes}");
    }

    [Fact]
    public void A_store_that_does_not_exist_yet_uses_nothing_and_still_reports_its_volume()
    {
        var usage = StoreScan.Measure(new ModelStore(Path.Combine(Path.GetTempPath(), "udm-none-" + Guid.NewGuid().ToString("N")), ModelStoreKind.ModuleStore));
        Assert.Equal((0, 0L), (usage.Models, usage.ModelBytes));
        Assert.NotNull(usage.FreeBytes);
    }

    [Fact]
    public void Only_old_orphans_are_deleted_and_model_files_never()
    {
        using var temp = StoreWithLeftovers();
        var store = temp.Store;
        var orphans = StoreScan.Orphans(store);
        Assert.Equal(GoneOnly.Length + 1 + 1 + 1, orphans.Count); // blobs, manifest, .incomplete, .tmp
        Assert.Empty(OrphanCleaner.Removable(store, DateTime.UtcNow)); // all written just now: maybe a pull in progress

        var later = DateTime.UtcNow + OrphanCleaner.MinimumAge + TimeSpan.FromMinutes(1);
        var removable = OrphanCleaner.Removable(store, later);
        Assert.Equal(orphans.Count, removable.Count);
        foreach (var f in removable) Assert.True(OrphanCleaner.Delete(store, f, CancellationToken.None), f.Path);
        Assert.Empty(StoreScan.Orphans(store));
        Assert.Equal(StoreScan.Measure(store).ModelBytes, Directory.GetFiles(temp.Root, "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(Path.DirectorySeparatorChar + "sha256" + Path.DirectorySeparatorChar) && !f.Contains("bundles")).Sum(f => new FileInfo(f).Length));
        Assert.Equal(2, store.List().Count(m => m.GgufPath.Count == 1 && File.Exists(m.GgufPath[0])));
    }

    [Fact]
    public void A_download_still_being_written_is_left_alone()
    {
        using var temp = new TempStore();
        DockerStoreWriter.Write(temp.Root, (A, new[] { "ai/a:latest" }));
        var blob = new OciDescriptor(ModelArtifact.Gguf, "sha256:" + new string('d', 64), 5000);
        using var writer = temp.Store.TryOpenBlobWriter(blob, out _)!;
        writer.Stream.Write(new byte[100], 0, 100);
        var partial = Assert.Single(StoreScan.Orphans(temp.Store));
        Assert.Equal("Incomplete", partial.Kind);
        Assert.False(OrphanCleaner.Delete(temp.Store, partial, CancellationToken.None));
        Assert.True(File.Exists(partial.Path));
    }

    [Fact]
    public void A_file_a_model_refers_to_by_the_time_of_deletion_is_kept()
    {
        using var temp = StoreWithLeftovers();
        var orphan = StoreScan.Orphans(temp.Store).First(f => f.Kind == "Manifest");
        // Meanwhile a pull indexes the model whose manifest that is.
        DockerStoreWriter.Write(temp.Root, (A, new[] { "ai/a:latest" }), (B, new[] { "ai/b:latest" }), (Gone, new[] { "ai/gone:latest" }));
        Assert.False(OrphanCleaner.Delete(temp.Store, orphan, CancellationToken.None));
        Assert.True(File.Exists(orphan.Path));
    }
}
