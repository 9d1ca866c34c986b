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
    // Wide enough that a long prompt's pass takes a while (~16 MB): 1,900 tokens, over a second on this machine.
    private static readonly TinyModel Wide = new() { Embedding = 256, Layers = 4, FeedForward = 768, Context = 4096 };
    private static readonly string LongPrompt = string.Concat(Enumerable.Repeat("the little cat was happy and played in the park. ", 80));

    private IChatClient Client() => Instance.CreateChatClient(models.Get(Wide), Options());

    private string WidePath => System.IO.Path.GetFullPath(models.Get(Wide));

    private bool Holding => Instance.GetLoadedModels().Any(m => m.Path == WidePath && m.ActiveCalls > 0);

    /// <summary>
    /// Runs a call and cancels it inside its prompt pass (<paramref name="inPrefill"/>: the call holds the model and has
    /// written nothing) or inside its generation (at its first piece; greedy, so over a thousand tokens are still to
    /// come). The cancel comes from a thread of its own, woken by the call's progress, so a busy thread pool cannot make
    /// it late, and the stop is timed where the call ends, not where the test gets to see it. Returns the stop's
    /// milliseconds and the pieces seen.
    /// </summary>
    private async Task<(double StopMs, int Pieces)> CancelAsync(string prompt, bool inPrefill, int maxTokens)
    {
        using var cts = new CancellationTokenSource();
        using var firstPiece = new ManualResetEventSlim();
        int pieces = 0;
        long cancelledAt = 0, endedAt = 0;
        var options = new ChatOptions { MaxOutputTokens = maxTokens, Temperature = 0 };
        var run = Task.Run(async () =>
        {
            try
            {
                await foreach (var u in Client().GetStreamingResponseAsync(User(prompt), options, cts.Token))
                    if (u.Text.Length > 0 && Interlocked.Increment(ref pieces) == 1) firstPiece.Set();
            }
            finally { endedAt = Stopwatch.GetTimestamp(); }
        });
        var canceller = new Thread(() =>
        {
            if (inPrefill)
            {
                while (!Holding && !run.IsCompleted) Thread.Sleep(1);
                Thread.Sleep(30); // past the tokenizer, into llama.cpp's pass over the prompt
            }
            else WaitHandle.WaitAny(new[] { firstPiece.WaitHandle, ((IAsyncResult)run).AsyncWaitHandle }, TimeSpan.FromSeconds(30));
            cancelledAt = Stopwatch.GetTimestamp();
            cts.Cancel();
        }) { IsBackground = true };
        canceller.Start();
        // The call ends inside cts.Cancel() on the canceller's thread: carry on elsewhere, not on that thread's stack.
        await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        Assert.True(run.IsCanceled, $"the call was to be cancelled while running, and it ended " +
            (run.IsFaulted ? "with " + run.Exception!.GetBaseException().Message : $"normally first ({pieces} pieces)"));
        if (inPrefill) Assert.Equal(0, Volatile.Read(ref pieces));
        double stopMs = Stopwatch.GetElapsedTime(cancelledAt, endedAt).TotalMilliseconds;
        // The call has returned; llama.cpp stops its current step at the next abort check and then frees the context.
        var clock = Stopwatch.StartNew();
        while (Holding)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the cancelled native work did not stop within 5 s");
            await Task.Delay(5);
        }
        output.WriteLine($"native work released the context {Stopwatch.GetElapsedTime(cancelledAt).TotalMilliseconds:0} ms after the cancel");
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
