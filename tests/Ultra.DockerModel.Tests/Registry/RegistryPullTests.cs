using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using RegistryKit;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Stores;
using Xunit;

namespace Ultra.DockerModel.Tests.Registry;

/// <summary>Pulls from a real docker-registry into the module's store: the happy paths and every way a pull can fail.</summary>
public class RegistryPullTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private LocalRegistry Registry => fixture.Registry;

    private static PullResult Pull(ModuleStore store, string name, IProgress<PullProgress>? progress = null,
        CancellationToken cancellationToken = default, Func<RegistryClient>? client = null) =>
        new ModelPuller(store, client).PullAsync(name, progress, cancellationToken).GetAwaiter().GetResult();

    [RegistryFact]
    public void A_pull_writes_Docker_s_layout_and_the_GGUF_blob_is_the_file()
    {
        using var temp = new TempStore();
        var progress = new List<PullProgress>();
        var result = Pull(temp.Store, Registry.Host + "/ai/tiny", new SyncProgress(progress));

        Assert.Equal(fixture.Tiny.ManifestDigest, result.Model.Id);
        Assert.Equal(Registry.Host + "/ai/tiny:latest", result.Model.Name);
        Assert.Equal(ModelStoreKind.ModuleStore, result.Model.Store);
        Assert.Equal(fixture.Tiny.Blobs.Sum(b => b.Size), result.BytesDownloaded);
        Assert.Equal(new[] { temp.Blob(fixture.Tiny.GgufLayer.Digest) }, result.Model.GgufPath);
        Assert.Equal(fixture.Tiny.GgufLayer.Bytes, File.ReadAllBytes(result.Model.GgufPath[0]));
        Assert.Equal(("llama", 2048), (result.Model.Architecture, result.Model.ContextSize));

        Assert.Equal("{\"version\":\"1.0.0\"}", File.ReadAllText(Path.Combine(temp.Root, "layout.json")));
        Assert.Equal(fixture.Tiny.Manifest, File.ReadAllBytes(Path.Combine(temp.Root, "manifests", "sha256", fixture.Tiny.ManifestDigest.Substring(7))));
        var entry = Assert.Single(StoreIndex.Read(Path.Combine(temp.Root, "models.json")).Models);
        Assert.Equal(fixture.Tiny.ManifestDigest, entry.Id);
        Assert.Equal(new[] { Registry.Host + "/ai/tiny:latest" }, entry.Tags);
        Assert.Equal(fixture.Tiny.Blobs.Select(b => b.Digest), entry.Files); // layers in order, then the config
        Assert.Empty(Directory.GetFiles(temp.Root, "*.incomplete", SearchOption.AllDirectories));

        var last = progress.Last();
        Assert.Equal((last.TotalBytes, last.TotalBytes), (last.DownloadedBytes, fixture.Tiny.Blobs.Sum(b => b.Size)));
    }

    [RegistryFact]
    public void Pulling_again_downloads_nothing_and_a_second_tag_shares_blobs()
    {
        using var temp = new TempStore();
        Pull(temp.Store, Registry.Host + "/ai/tiny");
        string gguf = temp.Blob(fixture.Tiny.GgufLayer.Digest);
        var written = File.GetLastWriteTimeUtc(gguf);

        var again = Pull(temp.Store, Registry.Host + "/ai/tiny:latest");
        Assert.Equal(0, again.BytesDownloaded);
        Assert.False(again.IndexChanged);
        Assert.Equal(written, File.GetLastWriteTimeUtc(gguf));

        var v2 = Pull(temp.Store, Registry.Host + "/ai/tiny:v2");
        var shared = fixture.TinyV2.Blobs.Where(b => fixture.Tiny.Blobs.Any(t => t.Digest == b.Digest)).ToList();
        Assert.Single(shared); // the licence
        Assert.Equal(fixture.TinyV2.Blobs.Sum(b => b.Size) - shared.Sum(b => b.Size), v2.BytesDownloaded);
        Assert.Equal(2, temp.Store.List().Count);
    }

    [RegistryFact]
    public void A_tag_that_moves_to_another_model_leaves_the_old_one_untagged()
    {
        using var temp = new TempStore();
        Pull(temp.Store, Registry.Host + "/ai/tiny:latest");
        Registry.Push("ai/moving", "latest", fixture.Tiny);
        Pull(temp.Store, Registry.Host + "/ai/moving");
        Registry.Push("ai/moving", "latest", fixture.TinyV2);
        Pull(temp.Store, Registry.Host + "/ai/moving");

        var models = temp.Store.List();
        Assert.Equal(new[] { Registry.Host + "/ai/tiny:latest" }, models.Single(m => m.Id == fixture.Tiny.ManifestDigest).Tags);
        Assert.Equal(new[] { Registry.Host + "/ai/moving:latest" }, models.Single(m => m.Id == fixture.TinyV2.ManifestDigest).Tags);
    }

    [RegistryFact]
    public void A_pull_by_digest_checks_it_and_adds_no_tag()
    {
        using var temp = new TempStore();
        var result = Pull(temp.Store, $"{Registry.Host}/ai/tiny@{fixture.Tiny.ManifestDigest}");
        Assert.Equal(fixture.Tiny.ManifestDigest, result.Model.Id);
        Assert.Empty(result.Model.Tags);

        string wrong = "sha256:" + new string('0', 64);
        var e = Assert.Throws<ModelNotFoundException>(() => Pull(temp.Store, $"{Registry.Host}/ai/tiny@{wrong}"));
        Assert.Contains("manifest is unknown", e.Message);
    }

    [RegistryFact]
    public void Unknown_tags_and_repositories_are_ModelNotFound_naming_the_registry()
    {
        using var temp = new TempStore();
        var tag = Assert.Throws<ModelNotFoundException>(() => Pull(temp.Store, Registry.Host + "/ai/tiny:nope"));
        Assert.Contains($"registry {Registry.Host}", tag.Message);
        Assert.Contains("tag 'nope' is unknown there (tags there: latest, v2)", tag.Message);
        var repo = Assert.Throws<ModelNotFoundException>(() => Pull(temp.Store, Registry.Host + "/ai/nothing-here"));
        Assert.Contains("repository is unknown", repo.Message);
        Assert.False(File.Exists(Path.Combine(temp.Root, "models.json")));
    }

    [RegistryFact]
    public void Image_indexes_and_container_images_are_refused_before_any_blob()
    {
        using var temp = new TempStore();
        var index = Assert.Throws<NotAModelException>(() => Pull(temp.Store, Registry.Host + "/ai/multi"));
        Assert.Contains("image index", index.Message);
        var image = Assert.Throws<NotAModelException>(() => Pull(temp.Store, Registry.Host + "/ai/image"));
        Assert.Contains("application/vnd.oci.image.config.v1+json", image.Message);
        Assert.False(Directory.Exists(Path.Combine(temp.Root, "blobs")));
    }

    [RegistryFact]
    public void A_corrupted_blob_is_refused_and_nothing_of_it_is_kept()
    {
        using var temp = new TempStore();
        var e = Assert.Throws<DigestMismatchException>(() => Pull(temp.Store, Registry.Host + "/ai/broken"));
        Assert.Equal(ErrorKind.DigestMismatch, e.Kind);
        Assert.Contains(fixture.Broken.GgufLayer.Digest, e.Message);
        Assert.False(File.Exists(temp.Blob(fixture.Broken.GgufLayer.Digest)));
        Assert.False(File.Exists(temp.Blob(fixture.Broken.GgufLayer.Digest) + ".incomplete"));
        Assert.False(File.Exists(Path.Combine(temp.Root, "models.json")));
        Assert.False(Directory.Exists(Path.Combine(temp.Root, "manifests")));
    }

    [RegistryFact]
    public void A_manifest_whose_bytes_do_not_match_its_digest_is_refused()
    {
        using var temp = new TempStore();
        var e = Assert.Throws<DigestMismatchException>(() => Pull(temp.Store, Registry.Host + "/ai/badmanifest"));
        Assert.Contains("manifest", e.Message);
        Assert.Contains(fixture.BadManifest.ManifestDigest, e.Message);
        Assert.False(Directory.Exists(Path.Combine(temp.Root, "blobs")));
    }

    [RegistryFact]
    public void A_cut_connection_is_resumed_with_Range_and_nothing_is_fetched_twice()
    {
        using var temp = new TempStore();
        using var proxy = new FaultProxy(Registry.Port);
        proxy.CutAfter(RegistryFixture.GgufSize / 2);
        var result = Pull(temp.Store, proxy.Host + "/ai/tiny");

        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(fixture.Tiny.Blobs.Sum(b => b.Size), result.BytesDownloaded);
        Assert.Equal(fixture.Tiny.GgufLayer.Bytes, File.ReadAllBytes(temp.Blob(fixture.Tiny.GgufLayer.Digest)));
    }

    [RegistryFact]
    public void A_partial_file_from_an_earlier_run_is_resumed_and_a_bad_one_is_fetched_again()
    {
        using var temp = new TempStore();
        var gguf = fixture.Tiny.GgufLayer;
        Directory.CreateDirectory(Path.GetDirectoryName(temp.Blob(gguf.Digest))!);
        File.WriteAllBytes(temp.Blob(gguf.Digest) + ".incomplete", gguf.Bytes.Take(100_000).ToArray());
        var resumed = Pull(temp.Store, Registry.Host + "/ai/tiny");
        Assert.Equal(fixture.Tiny.Blobs.Sum(b => b.Size) - 100_000, resumed.BytesDownloaded);

        using var temp2 = new TempStore();
        Directory.CreateDirectory(Path.GetDirectoryName(temp2.Blob(gguf.Digest))!);
        File.WriteAllBytes(temp2.Blob(gguf.Digest) + ".incomplete", new byte[100_000]); // not the blob's first bytes
        var refetched = Pull(temp2.Store, Registry.Host + "/ai/tiny");
        Assert.Equal(gguf.Bytes, File.ReadAllBytes(temp2.Blob(gguf.Digest)));
        Assert.Equal(fixture.Tiny.Blobs.Sum(b => b.Size) - 100_000 + gguf.Size, refetched.BytesDownloaded);
    }

    [RegistryFact]
    public void A_server_that_ignores_Range_makes_the_blob_start_again_from_byte_0()
    {
        using var temp = new TempStore();
        var gguf = fixture.Tiny.GgufLayer;
        Directory.CreateDirectory(Path.GetDirectoryName(temp.Blob(gguf.Digest))!);
        File.WriteAllBytes(temp.Blob(gguf.Digest) + ".incomplete", gguf.Bytes.Take(100_000).ToArray());
        var result = Pull(temp.Store, Registry.Host + "/ai/tiny", client: () => new RegistryClient(new DropRange()));
        Assert.Equal(gguf.Bytes, File.ReadAllBytes(temp.Blob(gguf.Digest)));
        Assert.Equal(fixture.Tiny.Blobs.Sum(b => b.Size), result.BytesDownloaded); // the 200 answer's whole body
    }

    [RegistryFact]
    public async Task Cancelling_a_pull_keeps_the_partial_file_and_leaves_the_index_alone()
    {
        using var temp = new TempStore();
        using var proxy = new FaultProxy(Registry.Port) { BytesPerSecond = 256 * 1024 };
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var progress = new SyncProgress(p => { if (p.DownloadedBytes > 0) started.TrySetResult(); });
        var pull = Task.Run(() => new ModelPuller(temp.Store).PullAsync(proxy.Host + "/ai/tiny", progress, cancel.Token));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pull);

        string partial = temp.Blob(fixture.Tiny.GgufLayer.Digest) + ".incomplete";
        Assert.True(new FileInfo(partial).Length > 0);
        Assert.False(File.Exists(temp.Blob(fixture.Tiny.GgufLayer.Digest)));
        Assert.False(File.Exists(Path.Combine(temp.Root, "models.json")));

        var resumed = Pull(temp.Store, Registry.Host + "/ai/tiny"); // and the next pull picks it up
        Assert.True(resumed.BytesDownloaded < fixture.Tiny.Blobs.Sum(b => b.Size));
    }

    [RegistryFact]
    public async Task Two_pulls_of_one_model_at_once_both_succeed_and_fetch_each_blob_once()
    {
        using var temp = new TempStore();
        using var proxy = new FaultProxy(Registry.Port) { BytesPerSecond = 1024 * 1024 };
        var pulls = Enumerable.Range(0, 2).Select(_ => Task.Run(() => new ModelPuller(new ModuleStore(temp.Root)).PullAsync(proxy.Host + "/ai/tiny", null, CancellationToken.None))).ToList();
        var results = await Task.WhenAll(pulls);

        Assert.Equal(fixture.Tiny.Blobs.Sum(b => b.Size), results.Sum(r => r.BytesDownloaded));
        var entry = Assert.Single(StoreIndex.Read(Path.Combine(temp.Root, "models.json")).Models);
        Assert.Equal(new[] { proxy.Host + "/ai/tiny:latest" }, entry.Tags);
        Assert.Equal(fixture.Tiny.GgufLayer.Bytes, File.ReadAllBytes(temp.Blob(fixture.Tiny.GgufLayer.Digest)));
    }

    [RegistryFact(NeedsDevFull = true)]
    public void A_full_disk_is_DiskFull_and_leaves_no_blob_looking_complete()
    {
        using var temp = new TempStore();
        string gguf = temp.Blob(fixture.Tiny.GgufLayer.Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(gguf)!);
        File.CreateSymbolicLink(gguf + ".incomplete", "/dev/full");
        var e = Assert.Throws<DiskFullException>(() => Pull(temp.Store, Registry.Host + "/ai/tiny"));
        Assert.Equal(ErrorKind.DiskFull, e.Kind);
        Assert.False(File.Exists(gguf));
        Assert.False(File.Exists(Path.Combine(temp.Root, "models.json")));
    }

    [RegistryFact]
    public void A_corrupt_models_json_is_an_error_naming_it_and_nothing_is_lost()
    {
        using var temp = new TempStore();
        Pull(temp.Store, Registry.Host + "/ai/tiny");
        string index = Path.Combine(temp.Root, "models.json");
        File.WriteAllText(index, "{\"models\": [ {\"id\": ");
        var e = Assert.Throws<ModelStoreException>(() => Pull(temp.Store, Registry.Host + "/ai/tiny:v2"));
        Assert.Equal(ErrorKind.StoreInvalid, e.Kind);
        Assert.Contains(index, e.Message);
        Assert.Equal("{\"models\": [ {\"id\": ", File.ReadAllText(index));
        Assert.True(File.Exists(temp.Blob(fixture.Tiny.GgufLayer.Digest)));
        Assert.True(File.Exists(temp.Blob(fixture.TinyV2.GgufLayer.Digest))); // downloaded, kept for the next try
        Assert.Throws<ModelStoreException>(() => temp.Store.List());
    }

    [RegistryFact]
    public void An_unreachable_registry_says_so_in_one_sentence()
    {
        using var temp = new TempStore();
        var e = Assert.Throws<RegistryUnreachableException>(() => Pull(temp.Store, $"127.0.0.1:{LocalRegistry.FreePort()}/ai/tiny"));
        Assert.Equal(ErrorKind.RegistryUnreachable, e.Kind);
        Assert.StartsWith("The registry 127.0.0.1:", e.Message);
    }

    /// <summary>An IProgress that reports on the calling thread (System.Progress would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<PullProgress> onReport) : IProgress<PullProgress>
    {
        public SyncProgress(List<PullProgress> into) : this(p => { lock (into) into.Add(p); }) { }
        public void Report(PullProgress value) => onReport(value);
    }

    /// <summary>Strips the Range header: the registry then answers 200 with the whole blob.</summary>
    private sealed class DropRange() : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Range = null;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
