using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Engine;
using Xunit;
using static Ultra.DockerModel.Tests.Engine.EngineUnderTest;

namespace Ultra.DockerModel.Tests.Engine;

/// <summary>Loading, keeping, releasing and sharing models; bad files; the load context's boundaries.</summary>
[Collection(EngineCollection.Name)]
public class EngineModelCacheTests(ModelFolder models)
{
    private static readonly ChatOptions Short = new() { MaxOutputTokens = 3, Seed = 1 };

    private sealed class Lines : IEngineLog
    {
        public ConcurrentQueue<(EngineLogLevel Level, string Text)> All { get; } = new();
        public void Write(EngineLogLevel level, string message) => All.Enqueue((level, message));
        public bool Loaded(string file) => All.Any(l => l.Text.Contains("llama_model_loader") && l.Text.Contains(file));
    }

    private string Copy(string name)
    {
        string path = Path.Combine(models.Path, name);
        File.Copy(models.Tiny, path, overwrite: true);
        return path;
    }

    private static LoadedModelInfo? Info(string path) => Instance.GetLoadedModels().SingleOrDefault(m => m.Path == Path.GetFullPath(path));

    [Fact]
    public async Task A_loaded_model_serves_the_next_call_without_loading_again_and_logs_to_its_caller()
    {
        string path = Copy("keep.gguf");
        var first = new Lines();
        await Instance.CreateChatClient(path, Options(), first).GetResponseAsync(User("hi"), Short);
        var loaded = Info(path) ?? throw new Xunit.Sdk.XunitException("not loaded");
        Assert.True(first.Loaded("keep.gguf"), "llama.cpp's load log reached the first caller");

        var second = new Lines();
        await Instance.CreateChatClient(path, Options(), second).GetResponseAsync(User("hi"), Short);
        Assert.Equal(loaded.LoadedAt, Info(path)!.LoadedAt);
        Assert.False(second.Loaded("keep.gguf"), "the second call did not load the model again");
        Assert.True(Info(path)!.WeightsBytes > 500_000);
        Assert.Equal(0, Info(path)!.ActiveCalls);
        Assert.Equal(1, Instance.Unload(path));
        Assert.Null(Info(path));
    }

    [Fact]
    public async Task Two_first_loads_at_once_each_log_only_their_own_model()
    {
        string a = Copy("log-a.gguf"), b = Copy("log-b.gguf");
        var logA = new Lines();
        var logB = new Lines();
        await Task.WhenAll(
            Task.Run(() => Instance.CreateChatClient(a, Options(), logA).GetResponseAsync(User("hi"), Short)),
            Task.Run(() => Instance.CreateChatClient(b, Options(), logB).GetResponseAsync(User("hi"), Short)));
        Assert.True(logA.Loaded("log-a.gguf") && !logA.Loaded("log-b.gguf"));
        Assert.True(logB.Loaded("log-b.gguf") && !logB.Loaded("log-a.gguf"));
        Instance.Unload(a);
        Instance.Unload(b);
    }

    [Fact]
    public async Task An_unused_model_is_released_after_its_idle_time()
    {
        string path = Copy("idle.gguf");
        await Instance.CreateChatClient(path, Options(idle: TimeSpan.FromMilliseconds(300))).GetResponseAsync(User("hi"), Short);
        Assert.NotNull(Info(path)?.ReleaseAt);
        var clock = Stopwatch.StartNew();
        while (Info(path) != null && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Assert.Null(Info(path));
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 100, 10_000);
    }

    [Fact]
    public async Task A_rewritten_file_is_loaded_afresh()
    {
        string path = Copy("rewrite.gguf");
        await Instance.CreateChatClient(path, Options()).GetResponseAsync(User("hi"), Short);
        var before = Info(path)!.LoadedAt;
        GgufWriter.Write(path, new TinyModel { Seed = 99 });
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        await Instance.CreateChatClient(path, Options()).GetResponseAsync(User("hi"), Short);
        Assert.True(Info(path)!.LoadedAt > before);
        Instance.Unload(path);
    }

    [Fact]
    public async Task Four_calls_at_once_on_one_model_each_get_their_own_answer()
    {
        string path = Copy("parallel.gguf");
        var client = Instance.CreateChatClient(path, Options());
        var options = new ChatOptions { MaxOutputTokens = 40, Seed = 21, Temperature = 1f };
        string alone = (await client.GetResponseAsync(User("Once upon a time"), options)).Text;
        for (int round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => client.GetResponseAsync(User("Once upon a time"), options))));
            Assert.All(answers, a => Assert.Equal(alone, a.Text));
        }
        Assert.Equal(0, Info(path)!.ActiveCalls);
        Instance.Unload(path);
    }

    [Fact]
    public async Task A_corrupt_or_truncated_file_is_a_clear_error_naming_it()
    {
        string corrupt = Path.Combine(models.Path, "corrupt.gguf");
        var bytes = new byte[200_000];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(corrupt, bytes);
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Instance.CreateChatClient(corrupt, Options()).GetResponseAsync(User("hi"), Short));
        Assert.Equal(ErrorKind.ModelLoadFailed, e.Kind);
        Assert.Contains(corrupt, e.Message);

        string truncated = Copy("truncated.gguf");
        using (var f = File.OpenWrite(truncated)) f.SetLength(f.Length / 2);
        e = await Assert.ThrowsAsync<DockerModelException>(() => Instance.CreateChatClient(truncated, Options()).GetResponseAsync(User("hi"), Short));
        Assert.Equal(ErrorKind.ModelLoadFailed, e.Kind);
        Assert.Contains(truncated, e.Message);
        Assert.Null(Info(truncated));

        // The engine is not poisoned: the next call on a good file answers.
        var answer = await Instance.CreateChatClient(models.Tiny, Options()).GetResponseAsync(User("hi"), Short);
        Assert.True(answer.Usage!.OutputTokenCount > 0 || answer.FinishReason == ChatFinishReason.Stop);
    }

    [Fact]
    public async Task A_gguf_that_is_not_a_language_model_is_a_clear_error()
    {
        string path = models.Get(new TinyModel { Architecture = "clip" });
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Instance.CreateChatClient(path, Options()).GetResponseAsync(User("hi"), Short));
        Assert.Equal(ErrorKind.ModelLoadFailed, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.Contains("clip", e.Message);
    }

    [Fact]
    public async Task A_missing_file_is_model_not_found()
    {
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Instance.CreateChatClient(Path.Combine(models.Path, "nope.gguf"), Options()).GetResponseAsync(User("hi"), Short));
        Assert.Equal(ErrorKind.ModelNotFound, e.Kind);
    }

    [Fact]
    public async Task Embeddings_are_one_vector_per_text_of_the_model_width()
    {
        var generator = Instance.CreateEmbeddingGenerator(models.Tiny, Options());
        var vectors = await generator.GenerateAsync(new[] { "hello world", "hello world", "a different text" });
        Assert.Equal(3, vectors.Count);
        Assert.All(vectors, v => Assert.Equal(64, v.Vector.Length));
        Assert.True(vectors[0].Vector.Span.SequenceEqual(vectors[1].Vector.Span));
        Assert.False(vectors[0].Vector.Span.SequenceEqual(vectors[2].Vector.Span));
        Assert.All(vectors, v => Assert.DoesNotContain(v.Vector.ToArray(), float.IsNaN));
        Assert.True(vectors.Usage!.InputTokenCount > 6);
    }

    [Fact]
    public async Task LLamaSharp_runs_isolated_and_never_needs_its_own_Microsoft_Extensions_AI()
    {
        await Instance.CreateChatClient(models.Tiny, Options()).GetResponseAsync(User("hi"), Short);
        await Instance.CreateEmbeddingGenerator(models.Tiny, Options()).GenerateAsync(new[] { "hi" });
        var loaded = AssemblyLoadContext.All.SelectMany(c => c.Assemblies.Select(a => (Context: c, Name: a.GetName()))).ToList();
        var llama = loaded.Single(a => a.Name.Name == "LLamaSharp");
        Assert.NotSame(AssemblyLoadContext.Default, llama.Context);
        Assert.StartsWith(Directory(), llama.Context.Assemblies.First(a => a.GetName().Name == "LLamaSharp").Location);
        var ai = loaded.Where(a => a.Name.Name == "Microsoft.Extensions.AI.Abstractions").ToList();
        Assert.All(ai, a => Assert.Same(AssemblyLoadContext.Default, a.Context));
        Assert.All(ai, a => Assert.Equal(9, a.Name.Version!.Major));
        Assert.DoesNotContain(loaded, a => a.Name.Name == "Ultra.DockerModel.Core" && a.Context != AssemblyLoadContext.Default);
    }
}
