using System;
using System.IO;
using System.Linq;
using Ultra.DockerModel.Settings;
using Xunit;

namespace Ultra.DockerModel.Tests.Lifecycle;

/// <summary>When models were last run: recorded in settings.json, throttled, and never a reason for a call to fail.</summary>
public class ModelUseLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("udm-use-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_use_is_recorded_under_the_normalized_name_and_a_model_never_seen_is_first_seen_now()
    {
        var store = new SettingsStore(_folder);
        var before = DateTime.UtcNow.AddSeconds(-1);
        ModelUseLog.RecordUse("smollm2", store);
        var use = store.Load().ModelUse["ai/smollm2:latest"];
        Assert.True(use.LastUsed >= before);

        var activity = ModelUseLog.LastActivity(new[] { "ai/smollm2:latest", "ai/llama3.2" }, store);
        Assert.Equal(use.LastUsed, activity["ai/smollm2:latest"]);
        Assert.True(activity["ai/llama3.2:latest"] >= before); // first seen now: never "unused" before the module knew it
        Assert.Null(store.Load().ModelUse["ai/llama3.2:latest"].LastUsed);
    }

    [Fact]
    public void A_second_use_within_the_hour_does_not_write_the_file_again()
    {
        var store = new SettingsStore(_folder);
        ModelUseLog.RecordUse("ai/qwen2.5", store);
        var written = File.GetLastWriteTimeUtc(store.FilePath);
        System.Threading.Thread.Sleep(20);
        ModelUseLog.RecordUse("ai/qwen2.5", store);
        Assert.Equal(written, File.GetLastWriteTimeUtc(store.FilePath));
    }

    [Fact]
    public void A_corrupt_settings_file_is_left_alone_and_the_use_is_simply_not_recorded()
    {
        var store = new SettingsStore(_folder);
        File.WriteAllText(store.FilePath, "{ not json");
        ModelUseLog.RecordUse("ai/gemma3", store);
        Assert.Equal("{ not json", File.ReadAllText(store.FilePath));
    }
}
