using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Xunit;
using Xunit.Abstractions;
using static Ultra.DockerModel.Tests.Engine.EngineUnderTest;

namespace Ultra.DockerModel.Tests.Engine;

/// <summary>Ctrl+C during the prompt's pass and during generation: stops within 100 ms, leaks nothing.</summary>
[Collection(EngineCollection.Name)]
public class EngineCancellationTests(ModelFolder models, ITestOutputHelper output)
{
    // Wide enough that a 1,000-token prompt takes a while to read (~16 MB).
    private static readonly TinyModel Wide = new() { Embedding = 256, Layers = 4, FeedForward = 768, Context = 4096 };
    private static readonly string LongPrompt = string.Concat(Enumerable.Repeat("the little cat was happy and played in the park. ", 25));

    private IChatClient Client() => Instance.CreateChatClient(models.Get(Wide), Options());

    private string WidePath => System.IO.Path.GetFullPath(models.Get(Wide));

    /// <summary>
    /// Runs a call, cancels it 30 ms into its prompt pass (<paramref name="inPrefill"/>: the call holds the model and has
    /// written nothing) or into its generation (pieces are out), and returns how long the stop took and the pieces seen.
    /// </summary>
    private async Task<(double StopMs, int Pieces)> CancelAsync(string prompt, bool inPrefill, int maxTokens)
    {
        using var cts = new CancellationTokenSource();
        int pieces = 0;
        var run = Task.Run(async () =>
        {
            await foreach (var u in Client().GetStreamingResponseAsync(User(prompt), new ChatOptions { MaxOutputTokens = maxTokens, Seed = 1 }, cts.Token))
                if (u.Text.Length > 0) Interlocked.Increment(ref pieces);
        });
        var wait = Stopwatch.StartNew();
        while (!(inPrefill ? Instance.GetLoadedModels().Any(m => m.Path == WidePath && m.ActiveCalls > 0) : Volatile.Read(ref pieces) > 0))
        {
            Assert.True(wait.Elapsed < TimeSpan.FromSeconds(30) && !run.IsCompleted, $"the call never got there ({run.Status}: {run.Exception?.GetBaseException().Message})");
            await Task.Delay(2);
        }
        await Task.Delay(30);
        Assert.False(run.IsCompleted, "the call was still running when cancelled");
        if (inPrefill) Assert.Equal(0, Volatile.Read(ref pieces));
        var clock = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        double stopMs = clock.Elapsed.TotalMilliseconds;
        // The call has returned; llama.cpp stops its current step at the next abort check and then frees the context.
        while (Instance.GetLoadedModels().Any(m => m.Path == WidePath && m.ActiveCalls > 0))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the cancelled native work did not stop within 5 s");
            await Task.Delay(5);
        }
        output.WriteLine($"native work released the context {clock.Elapsed.TotalMilliseconds:0} ms after the cancel");
        return (stopMs, pieces);
    }

    [Fact]
    public async Task Cancelling_during_the_prompt_pass_stops_within_100_ms()
    {
        await Client().GetResponseAsync(User("hi"), new ChatOptions { MaxOutputTokens = 1 }); // model loaded, context ready
        var (stopMs, pieces) = await CancelAsync(LongPrompt, inPrefill: true, maxTokens: 5);
        output.WriteLine($"stopped {stopMs:0.0} ms after the cancel");
        Assert.Equal(0, pieces);
        Assert.True(stopMs < 100, $"took {stopMs:0} ms to stop");
    }

    [Fact]
    public async Task Cancelling_during_generation_stops_within_100_ms()
    {
        var (stopMs, pieces) = await CancelAsync("Once upon a time", inPrefill: false, maxTokens: 100_000);
        output.WriteLine($"stopped {stopMs:0.0} ms after the cancel, {pieces} pieces");
        Assert.True(pieces > 0, "generation had started");
        Assert.True(stopMs < 100, $"took {stopMs:0} ms to stop");
    }

    [Fact]
    public async Task Cancelled_calls_leak_no_memory_and_the_model_is_free_afterwards()
    {
        string path = models.Get(Wide);
        await Client().GetResponseAsync(User("hi"), new ChatOptions { MaxOutputTokens = 2 });
        long before = Rss();
        for (int i = 0; i < 8; i++)
        {
            await CancelAsync(LongPrompt, inPrefill: true, maxTokens: 5);
            await CancelAsync("Once upon a time", inPrefill: false, maxTokens: 100_000);
        }
        long after = Rss();
        output.WriteLine($"RSS before {before / 1048576.0:0.0} MB, after 16 cancelled calls {after / 1048576.0:0.0} MB");
        // One leaked context of this model holds a 16 MB KV cache: 16 of them would be 256 MB.
        Assert.True(after - before < 40L * 1024 * 1024, $"grew by {(after - before) / 1048576.0:0.0} MB");
        var info = Instance.GetLoadedModels().Single(m => m.Path == System.IO.Path.GetFullPath(path));
        Assert.Equal(0, info.ActiveCalls);
        Assert.Equal(1, Instance.Unload(path));
        long unloaded = Rss();
        output.WriteLine($"after Unload {unloaded / 1048576.0:0.0} MB");
        Assert.True(unloaded < after - 8L * 1024 * 1024, "unloading gave the memory back");
    }

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
