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

    [Theory]
    [InlineData(LlmProviderKind.DockerModelRunner, null, "ai/smollm2", "ai/smollm2:latest")]
    [InlineData(LlmProviderKind.Embedded, null, "smollm2", "ai/smollm2:latest")] // a store's model run in-process
    [InlineData(LlmProviderKind.Embedded, null, "/models/tiny.gguf", null)]
    [InlineData(LlmProviderKind.DockerModelRunner, "http://remote:12434", "ai/smollm2", null)] // another machine's runner
    [InlineData(LlmProviderKind.OpenAICompatible, "http://localhost:11434/v1", "ai/smollm2", null)]
    public void An_answer_is_a_use_of_a_local_model_whether_the_runner_or_the_embedded_engine_gave_it(LlmProviderKind kind, string? endpoint, string model, string? recorded)
    {
        var store = new SettingsStore(_folder);
        var entry = new LlmProvider { Name = "p", Kind = kind, Endpoint = endpoint, Model = model };
        ModelUseLog.RecordAnswer(new LlmResponse { Text = "hi", Model = model, ProviderEntry = entry }, store);
        var uses = File.Exists(store.FilePath) ? store.Load().ModelUse.Keys.ToArray() : Array.Empty<string>();
        Assert.Equal(recorded is null ? Array.Empty<string>() : new[] { recorded }, uses);
    }
}
