using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;

namespace Ultra.DockerModel.Tests.Providers;

/// <summary>Shared pieces of the provider tests: the stand-in's answer text, streaming with timestamps, process probes.</summary>
internal static class ProviderTestKit
{
    public const string Ending = " Ünïcödé ✓ 日本語 🙂 done.";

    /// <summary>What the stand-in answers to <paramref name="prompt"/> (AnswerBuilder).</summary>
    public static string Answer(string prompt, string? system = null) =>
        $"You said: «{prompt}»." + (system is null ? "" : $" System: «{system}».") + Ending;

    /// <summary>A docker client whose children reach the stand-in (the test process's own environment is not touched).</summary>
    public static DockerCli Cli(StandInServer s) =>
        new(environment: s.Environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));

    public static List<ChatMessage> User(string prompt) => [new ChatMessage(ChatRole.User, prompt)];

    public sealed record Timed(ChatResponseUpdate Update, TimeSpan At);

    /// <summary>Reads the whole stream, noting when each update arrived.</summary>
    public static async Task<List<Timed>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates, CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var list = new List<Timed>();
        await foreach (var u in updates.WithCancellation(cancellationToken)) list.Add(new Timed(u, clock.Elapsed));
        return list;
    }

    public static string Text(IEnumerable<Timed> updates) => string.Concat(updates.Select(t => t.Update.Text));

    public static UsageDetails? Usage(IEnumerable<Timed> updates) =>
        updates.SelectMany(t => t.Update.Contents.OfType<UsageContent>()).Select(u => u.Details).LastOrDefault();

    /// <summary>Process checks read /proc: elsewhere the test is skipped rather than passing with nothing counted.</summary>
    public static void SkipUnlessProcFs() => Skip.IfNot(OperatingSystem.IsLinux(), "counts processes through /proc (Linux only)");

    /// <summary>Ids of live processes whose command line contains <paramref name="marker"/> (Linux /proc).</summary>
    public static List<int> ProcessesWithArgument(string marker)
    {
        SkipUnlessProcFs();
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains(marker, StringComparison.Ordinal) && !IsZombie(dir)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    private static bool IsZombie(string dir)
    {
        var stat = File.ReadAllText(Path.Combine(dir, "stat"));
        int close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] == 'Z';
    }

    /// <summary>Waits (up to <paramref name="within"/>) for no process to carry the marker; returns those still there.</summary>
    public static List<int> WaitForNoProcess(string marker, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        List<int> left;
        while ((left = ProcessesWithArgument(marker)).Count > 0 && DateTime.UtcNow < until) Thread.Sleep(100);
        return left;
    }

    /// <summary>Polls a stand-in counter until it has the value (or time runs out); returns the last value read.</summary>
    public static long WaitForStat(StandInServer s, string name, Func<long, bool> ok, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        long value;
        while (!ok(value = s.GetStats().GetProperty(name).GetInt64()) && DateTime.UtcNow < until) Thread.Sleep(50);
        return value;
    }
}

/// <summary>
/// A loopback HTTP server that answers every request with the same raw bytes, for answers the stand-in does not
/// produce (a malformed SSE line). It reads the request head and body before answering.
/// </summary>
internal sealed class CannedHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _response;

    public CannedHttpServer(string response)
    {
        _response = Encoding.UTF8.GetBytes(response.Replace("\r\n", "\n").Replace("\n", "\r\n"));
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>An SSE answer: the given <c>data:</c> payloads, each as one event, then the connection closes.</summary>
    public static CannedHttpServer Sse(params string[] events)
    {
        var body = string.Concat(events.Select(e => "data: " + e + "\n\n"));
        return new CannedHttpServer("HTTP/1.1 200 OK\nContent-Type: text/event-stream\nConnection: close\n\n" + body);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1";

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    await ReadRequestAsync(stream);
                    // Raw bytes, then close: the body ends where the connection does (Connection: close).
                    await stream.WriteAsync(_response);
                    await stream.FlushAsync();
                }
            });
        }
    }

    private static async Task ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0) return;
            head.Append((char)one[0]);
        }
        var length = head.ToString().Split("\r\n")
            .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l.Substring(15).Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = await stream.ReadAsync(body.AsMemory(read));
            if (n == 0) return;
            read += n;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
