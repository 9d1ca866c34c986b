using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using RegistryKit;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Stores;
using Ultra.DockerModel.Tests.Registry;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;
using static Ultra.DockerModel.Tests.Providers.ProviderTestKit;

namespace Ultra.DockerModel.Tests.Lifecycle;

/// <summary>One registry for the update tests; each test pushes its own repository, so re-pushing a tag affects no other.</summary>
public sealed class UpdateRegistry : IDisposable
{
    public UpdateRegistry()
    {
        if (LocalRegistry.SkipReason == null) Registry = LocalRegistry.Start();
    }

    public LocalRegistry Registry { get; } = null!;

    public void Dispose() => Registry?.Dispose();
}

/// <summary>
/// Version tracking: a tag re-pushed with a new digest is seen (one manifest lookup, no download), and an update pulls
/// it while the old model stays whole and usable, then deletes the old one. In the module's store (a real registry)
/// and through Docker Model Runner (the stand-in, whose "registry" can re-push a tag).
/// </summary>
[Collection(StandInCollection.Name)]
public class UpdateTests(StandInFixture standIn, UpdateRegistry registry) : IClassFixture<UpdateRegistry>
{
    private readonly StandInServer _s = standIn.Server;
    private LocalRegistry Registry => registry.Registry;

    private static readonly DockerModelClient NoDocker = new(new DockerCli("udm-test-no-docker"));

    private (TempStore Temp, string Tag, LocalModel Model) PulledTiny(ModelArtifact artifact)
    {
        string repo = "ai/t" + Guid.NewGuid().ToString("N")[..8];
        Registry.Push(repo, "latest", artifact);
        var temp = new TempStore();
        var pulled = new ModelPuller(temp.Store).PullAsync(Registry.Host + "/" + repo, null, CancellationToken.None).GetAwaiter().GetResult();
        return (temp, pulled.Model.Name, pulled.Model);
    }

    [RegistryFact]
    public async Task A_re_pushed_tag_is_an_update_and_an_unchanged_one_is_not()
    {
        var v1 = ModelArtifact.Create(4096, seed: 21);
        var (temp, tag, model) = PulledTiny(v1);
        using var _ = temp;
        var checker = new UpdateChecker(NoDocker);

        var same = Assert.Single(await checker.CheckAsync(new[] { model }, CancellationToken.None));
        Assert.Equal((false, v1.ManifestDigest), (same.UpdateAvailable, same.RemoteId));

        var v2 = ModelArtifact.Create(4096, seed: 22);
        Registry.Push(tag[(Registry.Host.Length + 1)..tag.LastIndexOf(':')], "latest", v2);
        var changed = Assert.Single(await checker.CheckAsync(new[] { model }, CancellationToken.None));
        Assert.Equal((true, v2.ManifestDigest), (changed.UpdateAvailable, changed.RemoteId));
        Assert.Contains(ModelReference.ShortId(v2.ManifestDigest), changed.Reason);
        Assert.Single(temp.Store.ReadIndex().Models); // a check downloads nothing
        Assert.False(File.Exists(temp.Blob(v2.GgufLayer.Digest)));

        var annotated = UpdateChecker.Annotate(model, new[] { changed });
        Assert.True(annotated.UpdateAvailable);
    }

    [RegistryFact]
    public async Task A_registry_that_cannot_be_reached_makes_the_answer_unknown_with_the_reason()
    {
        var (temp, _, model) = PulledTiny(ModelArtifact.Create(2048, seed: 23));
        using var __ = temp;
        Registry.Push("ai/other", "latest", ModelArtifact.Create(2048, seed: 24));
        int closed = LocalRegistry.FreePort();
        var moved = new LocalModel { Name = $"127.0.0.1:{closed}/ai/x:latest", Tags = new[] { $"127.0.0.1:{closed}/ai/x:latest" }, Id = model.Id, Store = ModelStoreKind.ModuleStore };
        var status = Assert.Single(await new UpdateChecker(NoDocker).CheckAsync(new[] { moved }, CancellationToken.None));
        Assert.Null(status.UpdateAvailable);
        Assert.StartsWith("Unknown: ", status.Reason);
        Assert.Null(UpdateChecker.Annotate(moved, new[] { status }).UpdateAvailable);
    }

    [RegistryFact]
    public async Task An_update_in_the_module_store_keeps_the_old_model_usable_until_the_new_one_is_in_then_deletes_it()
    {
        var v1 = ModelArtifact.Create(64 * 1024, seed: 25);
        var (temp, tag, model) = PulledTiny(v1);
        using var _ = temp;
        var v2 = ModelArtifact.Create(64 * 1024, seed: 26);
        Registry.Push(tag[(Registry.Host.Length + 1)..tag.LastIndexOf(':')], "latest", v2);
        var status = Assert.Single(await new UpdateChecker(NoDocker).CheckAsync(new[] { model }, CancellationToken.None));

        var during = new List<string>();
        var stores = new ModelStores(temp.Store, null);
        var progress = new SyncProgress(p => during.Add(stores.FindGguf(tag).Id)); // what a caller finds while the pull runs
        var update = await new ModelUpdater(NoDocker, temp.Store).UpdateAsync(status, progress, CancellationToken.None);

        Assert.NotEmpty(during);
        Assert.All(during, id => Assert.Equal(v1.ManifestDigest, id));
        Assert.Equal((true, v1.ManifestDigest, v2.ManifestDigest, true), (update.Updated, update.OldId, update.NewId, update.OldRemoved));
        Assert.Equal(v2.ManifestDigest, stores.FindGguf(tag).Id);
        Assert.False(File.Exists(temp.Blob(v1.GgufLayer.Digest)));
        Assert.Empty(StoreScan.Orphans(temp.Store));
    }

    [Fact]
    public async Task Through_the_runner_a_re_pushed_tag_is_seen_pulled_and_the_old_model_removed()
    {
        _s.Reset();
        var docker = new DockerModelClient(Cli(_s));
        var model = (await docker.ListAsync(CancellationToken.None)).Single(m => m.Name == "ai/smollm2:latest");
        var checker = new UpdateChecker(docker);
        Assert.All(await checker.CheckAsync(new[] { model }, CancellationToken.None), s => Assert.False(s.UpdateAvailable));

        string newId = _s.Repush("ai/smollm2:latest");
        var status = (await checker.CheckAsync(new[] { model }, CancellationToken.None)).Single(s => s.Tag == "ai/smollm2:latest");
        Assert.Equal((true, newId), (status.UpdateAvailable, status.RemoteId));

        _s.Configure(new { pullStepDelayMs = 250 });
        using var http = new HttpClient();
        var during = new List<string>();
        // Up to the last report: the runner moves the tag as the pull ends, which may be before the last report is read.
        var progress = new SyncProgress(p =>
        {
            if (p.DownloadedBytes < p.TotalBytes) during.Add(Id(http.GetStringAsync(_s.Url + "/models/ai/smollm2:latest").GetAwaiter().GetResult()));
        });
        var update = await new ModelUpdater(docker, new TempStore().Store).UpdateAsync(status, progress, CancellationToken.None);

        // The installed tag answers with the old model until the pull is done. Reports are read after the runner sends
        // them (through the plugin and the CLI's output), so on a busy machine the last ones may be read after the tag
        // moved: the first report (2 s before the end) sees the old model, and once the new one shows, it stays.
        Assert.NotEmpty(during);
        Assert.Equal(model.Id, during[0]);
        int moved = during.IndexOf(newId);
        Assert.All(moved < 0 ? during : during.GetRange(0, moved), id => Assert.Equal(model.Id, id));
        if (moved >= 0) Assert.All(during.GetRange(moved, during.Count - moved), id => Assert.Equal(newId, id));
        Assert.Equal((true, newId), (update.Updated, update.NewId));
        var after = await docker.ListAsync(CancellationToken.None);
        Assert.Contains(after, m => m.Id == newId && m.Tags.Contains("ai/smollm2:latest"));
        Assert.DoesNotContain(after, m => m.Id == model.Id); // no tag named it any more
        Assert.True(update.OldRemoved);
    }

    [Fact]
    public async Task Through_the_runner_an_old_model_another_tag_still_names_is_kept()
    {
        _s.Reset(new[] { "ai/smollm2:latest", "ai/smollm2:360M-Q4_K_M" });
        var docker = new DockerModelClient(Cli(_s));
        var model = (await docker.ListAsync(CancellationToken.None)).Single(m => m.Tags.Contains("ai/smollm2:latest"));
        Assert.Equal(2, model.Tags.Count);
        string newId = _s.Repush("ai/smollm2:latest");
        var statuses = await new UpdateChecker(docker).CheckAsync(new[] { model }, CancellationToken.None);
        Assert.False(statuses.Single(s => s.Tag == "ai/smollm2:360M-Q4_K_M").UpdateAvailable);
        var update = await new ModelUpdater(docker, new TempStore().Store).UpdateAsync(statuses.Single(s => s.UpdateAvailable == true), null, CancellationToken.None);
        Assert.False(update.OldRemoved);
        var after = await docker.ListAsync(CancellationToken.None);
        Assert.Contains(after, m => m.Id == model.Id && m.Tags.SequenceEqual(new[] { "ai/smollm2:360M-Q4_K_M" }));
        Assert.Contains(after, m => m.Id == newId && m.Tags.SequenceEqual(new[] { "ai/smollm2:latest" }));
    }

    private static string Id(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;
}

/// <summary>An IProgress that reports on the calling thread (System.Progress would post to the thread pool).</summary>
internal sealed class SyncProgress(Action<PullProgress> report) : IProgress<PullProgress>
{
    public void Report(PullProgress value) => report(value);
}
