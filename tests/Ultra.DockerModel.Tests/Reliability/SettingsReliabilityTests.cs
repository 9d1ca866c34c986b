using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Settings;
using Xunit;

namespace Ultra.DockerModel.Tests.Reliability;

/// <summary>settings.json under concurrent writers, an unwritable folder and a broken file.</summary>
[Trait("Category", "Reliability")]
public sealed class SettingsReliabilityTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "udm-settings-rel-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
    }

    private static ModuleSettings Chain(int writer, int i)
    {
        var s = new ModuleSettings { CooldownSec = i };
        s.Providers.Add(new LlmProvider { Name = $"w{writer}-{i}-a", Kind = LlmProviderKind.DockerModelRunner, Model = "ai/smollm2" });
        s.Providers.Add(new LlmProvider { Name = $"w{writer}-{i}-b", Kind = LlmProviderKind.OpenAICompatible, Model = "m", Endpoint = $"http://127.0.0.1:{1000 + i}/v1" });
        return s;
    }

    [Fact]
    public async Task Concurrent_writers_never_leave_a_half_written_or_mixed_file()
    {
        var store = new SettingsStore(_folder);
        var problems = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!File.Exists(store.FilePath)) continue;
                try
                {
                    var loaded = store.Load();
                    if (loaded.Providers.Count != 2 || loaded.Providers[1].Name != loaded.Providers[0].Name[..^1] + "b"
                        || !loaded.Providers[0].Name.EndsWith($"-{loaded.CooldownSec}-a", StringComparison.Ordinal))
                        problems.Enqueue("mixed: " + string.Join(",", loaded.Providers.Select(p => p.Name)));
                }
                catch (DockerModelException e) { problems.Enqueue(e.Message); }
            }
        });
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, writer =>
        {
            for (int i = 0; i < 40; i++) new SettingsStore(_folder).Save(Chain(writer, i));
        });
        stop.Cancel();
        await reader;
        Assert.Empty(problems);
        Assert.Matches(@"^w\d-39-a$", store.Load().Providers[0].Name);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        using var doc = JsonDocument.Parse(File.ReadAllText(store.FilePath));
    }

    [Fact]
    public void Writers_racing_to_create_the_first_file_all_succeed()
    {
        for (int round = 0; round < 20; round++)
        {
            string folder = Path.Combine(_folder, "round" + round);
            var errors = new ConcurrentQueue<Exception>();
            using var start = new Barrier(6);
            var threads = Enumerable.Range(0, 6).Select(w => new Thread(() =>
            {
                start.SignalAndWait();
                try { new SettingsStore(folder).Save(Chain(w, round)); }
                catch (Exception e) { errors.Enqueue(e); }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(errors);
            Assert.Equal(2, new SettingsStore(folder).Load().Providers.Count);
            Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
        }
    }

    [Fact]
    public void A_folder_that_cannot_be_created_is_a_clear_error_and_nothing_is_written()
    {
        Directory.CreateDirectory(_folder);
        string file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "x");
        var store = new SettingsStore(Path.Combine(file, "settings"));
        var e = Assert.Throws<DockerModelException>(() => store.Save(Chain(1, 1)));
        Assert.Equal(ErrorKind.SettingsInvalid, e.Kind);
        Assert.Contains("could not be written", e.Message);
        Assert.Empty(store.Load().Providers);
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void A_file_cut_off_half_way_is_reported_with_its_path_and_left_alone()
    {
        var store = new SettingsStore(_folder);
        store.Save(Chain(1, 1));
        string whole = File.ReadAllText(store.FilePath);
        File.WriteAllText(store.FilePath, whole[..(whole.Length / 2)]);
        var e = Assert.Throws<SettingsCorruptException>(() => store.Load());
        Assert.Equal(ErrorKind.SettingsInvalid, e.Kind);
        Assert.Contains(store.FilePath, e.Message);
        Assert.Equal(whole[..(whole.Length / 2)], File.ReadAllText(store.FilePath));
    }
}
