using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Ultra.DockerModel.Caching;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Structured;
using Ultra.DockerModel.Tests.Routing;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;

namespace Ultra.DockerModel.Tests.Caching;

/// <summary>The response cache with the router against the stand-in: hit, miss, what the key holds, eviction, damage.</summary>
[Collection(StandInCollection.Name)]
public sealed class ResponseCacheTests : IDisposable
{
    private readonly StandInServer _s;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cache-test-" + Guid.NewGuid().ToString("N"));
    private readonly LlmProvider _provider;

    public ResponseCacheTests(StandInFixture fixture)
    {
        _s = fixture.Server;
        _s.Reset();
        _provider = Chain.OpenAI(Chain.Unique("runner"), _s.Url + "/engines/v1");
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private async Task<(LlmResponse Response, List<string> Pieces)> Ask(LlmRequest request, ResponseCache? cache = null, Func<LlmResponse, bool>? storeIf = null)
    {
        var observer = new PieceObserver();
        var router = new LlmRouter(new ChatClientFactory(new DockerModelClient()));
        var response = await new CachedRoute(cache ?? new ResponseCache(_folder)).RunAsync(new ProviderChain(new[] { _provider }), request, observer,
            (c, r, o) => router.RunAsync(c, r, o, default), storeIf);
        return (response, observer.Pieces);
    }

    [Fact]
    public async Task The_second_identical_call_is_answered_from_disk_piece_by_piece()
    {
        var (first, firstPieces) = await Ask(Chain.Prompt("hello cache"));
        var (second, secondPieces) = await Ask(Chain.Prompt("hello cache"));

        Assert.False(first.Cached);
        Assert.True(second.Cached);
        Assert.Single(_s.GetRequests());
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(firstPieces, secondPieces);
        Assert.True(secondPieces.Count > 3);
        Assert.Equal(first.Provider, second.Provider);
        Assert.Equal(first.CompletionTokens, second.CompletionTokens);
        Assert.Equal("assistant", second.History[^1].Role);
    }

    [Fact]
    public async Task Another_prompt_temperature_schema_or_endpoint_is_another_call()
    {
        await Ask(Chain.Prompt("a"));
        await Ask(Chain.Prompt("b"));
        await Ask(Chain.Prompt("a") with { Temperature = 0.5f });
        await Ask(Chain.Prompt("a") with { Schema = OutputSchema.AnyObject });
        await Ask(Chain.Prompt("a") with { Messages = new[] { new LlmMessage("system", "be brief"), new LlmMessage("user", "a") } });
        Assert.Equal(5, _s.GetRequests().Length);
        // Only how to call differs: the same call.
        var (again, _) = await Ask(Chain.Prompt("a", maxRetries: 0, timeout: TimeSpan.FromSeconds(30)));
        Assert.True(again.Cached);
        Assert.NotEqual(CacheKey.For(_provider, Chain.Prompt("a"), null), CacheKey.For(_provider, Chain.Prompt("a"), "sha256:1234"));
        var elsewhere = Chain.OpenAI(_provider.Name, "http://127.0.0.1:1/v1");
        Assert.NotEqual(CacheKey.For(_provider, Chain.Prompt("a"), null), CacheKey.For(elsewhere, Chain.Prompt("a"), null));
    }

    [Fact]
    public void An_embedded_model_file_keys_on_the_file_not_on_the_path_as_typed()
    {
        Directory.CreateDirectory(_folder);
        string file = Path.Combine(_folder, "m.gguf");
        File.WriteAllBytes(file, new byte[100]);
        var digestOf = ModelDigests.Of(new ModuleSettings());
        var embedded = new LlmProvider { Name = "e", Kind = LlmProviderKind.Embedded, Model = file };
        string? first = digestOf(embedded);
        Assert.StartsWith("file:" + file + "|100|", first);
        Assert.Equal(first, digestOf(new LlmProvider { Name = "e", Kind = LlmProviderKind.Embedded, Model = Path.Combine(_folder, ".", "m.gguf") }));

        // New weights in the same place (a rename over it, as a download does): another key.
        string fresh = Path.Combine(_folder, "fresh.tmp");
        File.WriteAllBytes(fresh, new byte[100]);
        File.SetLastWriteTimeUtc(fresh, File.GetLastWriteTimeUtc(file).AddSeconds(1));
        File.Move(fresh, file, overwrite: true);
        Assert.NotEqual(first, digestOf(embedded));
        File.WriteAllBytes(file, new byte[101]);
        Assert.EndsWith("|101|" + File.GetLastWriteTimeUtc(file).Ticks, digestOf(embedded));
        Assert.Null(digestOf(new LlmProvider { Name = "e", Kind = LlmProviderKind.Embedded, Model = Path.Combine(_folder, "missing.gguf") }));
    }

    [Fact]
    public async Task An_answer_the_caller_rejects_is_not_stored()
    {
        await Ask(Chain.Prompt("x"), storeIf: _ => false);
        var (second, _) = await Ask(Chain.Prompt("x"));
        Assert.False(second.Cached);
        Assert.Equal(2, _s.GetRequests().Length);
    }

    [Fact]
    public void The_least_recently_used_entries_go_first_when_the_bound_is_passed()
    {
        var answer = new CachedAnswer { Pieces = { new string('x', 300) }, Provider = "p" };
        new ResponseCache(_folder).Set("probe", answer);
        long size = new FileInfo(Path.Combine(_folder, "probe.json")).Length;
        File.Delete(Path.Combine(_folder, "probe.json"));
        var cache = new ResponseCache(_folder, maxBytes: size * 11 / 2); // room for five entries
        for (int i = 0; i < 5; i++)
        {
            cache.Set("k" + i, answer);
            File.SetLastWriteTimeUtc(Path.Combine(_folder, "k" + i + ".json"), DateTime.UtcNow.AddMinutes(i - 10));
        }
        Assert.NotNull(cache.TryGet("k0")); // used: now the most recent
        cache.Set("k5", answer);
        cache.Set("k6", answer);

        var usage = cache.GetUsage();
        Assert.True(usage.Bytes <= cache.MaxBytes, $"{usage.Bytes} bytes");
        Assert.NotNull(cache.TryGet("k0"));
        Assert.Null(cache.TryGet("k1"));
        Assert.NotNull(cache.TryGet("k6"));
    }

    [Fact]
    public void A_damaged_entry_is_a_miss_and_is_removed()
    {
        var cache = new ResponseCache(_folder);
        cache.Set("k", new CachedAnswer { Pieces = { "a" } });
        File.WriteAllText(Path.Combine(_folder, "k.json"), "{\"pieces\":[\"a\"");
        Assert.Null(cache.TryGet("k"));
        Assert.False(File.Exists(Path.Combine(_folder, "k.json")));
    }

    [Fact]
    public void Clear_removes_everything_and_says_what_was_there()
    {
        var cache = new ResponseCache(_folder);
        cache.Set("a", new CachedAnswer { Pieces = { "1" } });
        cache.Set("b", new CachedAnswer { Pieces = { "2" } });
        File.WriteAllText(Path.Combine(_folder, "c.123.tmp"), "left by a dead writer");
        var before = cache.Clear();
        Assert.Equal(2, before.Entries);
        Assert.True(before.Bytes > 0);
        Assert.Equal(0, cache.GetUsage().Entries);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData(true, false, 0.8f, false, true)]
    [InlineData(false, true, 0f, false, true)]
    [InlineData(false, true, null, false, false)]
    [InlineData(false, true, 0.8f, false, false)]
    [InlineData(false, true, 0.8f, true, true)]
    [InlineData(false, false, 0f, true, false)]
    public void The_setting_caches_only_calls_that_answer_the_same_twice(bool cacheSwitch, bool setting, float? temperature, bool seeded, bool expected) =>
        Assert.Equal(expected, CachedRoute.Applies(cacheSwitch, setting, temperature, seeded));

    [Fact]
    public async Task Writers_in_parallel_never_leave_a_broken_entry()
    {
        var cache = new ResponseCache(_folder, maxBytes: 20_000);
        var answer = new CachedAnswer { Pieces = Enumerable.Range(0, 50).Select(i => "piece " + i).ToList() };
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            var mine = new ResponseCache(_folder, maxBytes: 20_000); // one instance each, as separate processes have
            for (int i = 0; i < 40; i++)
            {
                mine.Set("k" + (i % 10), answer);
                var got = mine.TryGet("k" + ((i + w) % 10));
                if (got != null) Assert.Equal(50, got.Pieces.Count);
            }
        })));
        Assert.All(Directory.GetFiles(_folder), f => Assert.EndsWith(".json", f));
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(50, cache.TryGet("k" + i)?.Pieces.Count ?? 50));
    }
}

/// <summary>Keeps the pieces in the order they came.</summary>
internal sealed class PieceObserver : IRouteObserver
{
    public List<string> Pieces { get; } = new();
    public void OnPiece(string text) { lock (Pieces) Pieces.Add(text); }
    public void OnVerbose(string message) { }
    public void OnPullProgress(PullProgress progress) { }
}
