using System;
using System.Collections.Generic;
using System.Linq;
using Ultra.DockerModel.Lifecycle;
using Xunit;

namespace Ultra.DockerModel.Tests.Lifecycle;

/// <summary>Which models -Unused may remove: old enough by the record, not loaded, and never only in Docker's store.</summary>
public class UnusedModelsTests
{
    private static readonly DateTime Now = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);

    private static LocalModel Model(string tag, ModelStoreKind store, string? id = null) =>
        new() { Name = tag, Tags = new[] { tag }, Id = id ?? "sha256:" + new string(tag.Length.ToString()[0], 64), Store = store };

    [Fact]
    public void Old_enough_models_are_chosen_and_loaded_ones_or_ones_only_in_Docker_s_store_are_not()
    {
        var models = new[]
        {
            Model("ai/old:latest", ModelStoreKind.DockerModelRunner, "sha256:" + new string('1', 64)),
            Model("ai/recent:latest", ModelStoreKind.DockerModelRunner, "sha256:" + new string('2', 64)),
            Model("ai/loaded:latest", ModelStoreKind.DockerModelRunner, "sha256:" + new string('3', 64)),
            Model("ai/docker-disk:latest", ModelStoreKind.DockerStore, "sha256:" + new string('4', 64)),
            Model("ai/module:latest", ModelStoreKind.ModuleStore | ModelStoreKind.DockerStore, "sha256:" + new string('5', 64)),
        };
        var activity = new Dictionary<string, DateTime>
        {
            ["ai/old:latest"] = Now.AddDays(-40),
            ["ai/recent:latest"] = Now.AddDays(-2),
            ["ai/loaded:latest"] = Now.AddDays(-40),
            ["ai/docker-disk:latest"] = Now.AddDays(-40),
            ["ai/module:latest"] = Now.AddDays(-31),
        };
        var loaded = new[] { new LoadedModel { Name = "ai/loaded:latest", Engine = "DockerModelRunner" } };
        var skipped = new List<string>();
        var chosen = UnusedModels.Select(models, loaded, activity, TimeSpan.FromDays(30), Now, (m, why) => skipped.Add($"{m.Name}: {why}"));

        Assert.Equal(new[] { "ai/old:latest", "ai/module:latest" }, chosen.Select(u => u.Model.Name));
        Assert.Equal(Now.AddDays(-40), chosen[0].LastActivity);
        Assert.Contains("ai/loaded:latest: it is loaded now (in use)", skipped);
        Assert.Contains(skipped, s => s.StartsWith("ai/docker-disk:latest: it is only in Docker's store", StringComparison.Ordinal));
    }

    [Fact]
    public void The_latest_use_of_any_tag_counts()
    {
        var model = new LocalModel { Name = "ai/m:latest", Tags = new[] { "ai/m:latest", "ai/m:v2" }, Id = "sha256:" + new string('a', 64), Store = ModelStoreKind.DockerModelRunner };
        var activity = new Dictionary<string, DateTime> { ["ai/m:latest"] = Now.AddDays(-90), ["ai/m:v2"] = Now.AddDays(-1) };
        Assert.Empty(UnusedModels.Select(new[] { model }, Array.Empty<LoadedModel>(), activity, TimeSpan.FromDays(30), Now, (_, _) => { }));
    }
}
