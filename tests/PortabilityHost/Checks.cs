using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.PortabilityHost;

/// <summary>
/// What the cmdlets do, called as the cmdlet assembly calls Core, against the stand-in runner: each check touches the
/// JSON, streaming and HTTP code whose assemblies a host may have at another version. Fields hold no Core types, so
/// loading this class does not load Core before Program has loaded it from the module folder.
/// </summary>
internal sealed class Checks(string runnerUrl)
{
    private const string Installed = "ai/smollm2";
    private const string Pulled = "ai/gemma3";
    private int _failed;

    public int RunAll()
    {
        Check("list", List);
        Check("pull", Pull);
        Check("inspect", Inspect);
        Check("run-cli", () => Run(LlmTransport.Cli, stream: false));
        Check("run-stream", () => Run(LlmTransport.Cli, stream: true));
        Check("run-http", () => Run(LlmTransport.Http, stream: false));
        Check("settings", Settings);
        Check("fallback", Fallback);
        return _failed;
    }

    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x != null; x = x.InnerException) parts.Add($"{x.GetType().FullName}: {x.Message}");
        return string.Join(" ---> ", parts).Replace('\n', ' ');
    }

    private void Check(string name, Action body)
    {
        try
        {
            body();
            Console.WriteLine($"PASS {name}");
        }
        catch (Exception e)
        {
            _failed++;
            Console.WriteLine($"FAIL {name}: {Describe(e)}");
        }
    }

    private static void Expect(bool ok, string problem)
    {
        if (!ok) throw new InvalidOperationException(problem);
    }

    // The stand-in's deterministic answer (tests/ModelRunnerStandIn/README.md).
    private static string Answer(string prompt) => $"You said: «{prompt}». Ünïcödé ✓ 日本語 🙂 done.";

    private static void List()
    {
        var names = new DockerModelClient().ListAsync(CancellationToken.None).GetAwaiter().GetResult().Select(m => m.Name).ToList();
        Expect(names.Contains(Installed + ":latest"), $"{Installed}:latest is not in the list: {string.Join(", ", names)}");
    }

    private static void Pull()
    {
        var steps = new List<PullProgress>();
        new DockerModelClient().PullAsync(Pulled, new Progress(steps), CancellationToken.None).GetAwaiter().GetResult();
        Expect(steps.Count > 0 && steps[^1].PercentComplete == 100, $"pull progress: {steps.Count} steps, last at {steps.LastOrDefault()?.PercentComplete}%");
    }

    // The model pulled just before: it is in the store now.
    private static void Inspect()
    {
        var model = new DockerModelClient().InspectAsync(Pulled, CancellationToken.None).GetAwaiter().GetResult();
        Expect(model.Name == Pulled + ":latest" && model.Id.StartsWith("sha256:", StringComparison.Ordinal) && model.Size > 0,
            $"inspect gave {model.Name} {model.Id} {model.Size}");
    }

    private static void Run(LlmTransport transport, bool stream)
    {
        string prompt = $"portability {transport}{(stream ? " stream" : "")}";
        var observer = new Observer();
        var request = new LlmRequest { Messages = new[] { new LlmMessage("user", prompt) }, KeepText = !stream, Timeout = TimeSpan.FromSeconds(60) };
        var response = Route(new[] { LlmProvider.LocalRunner(Installed, transport) }, request, observer);
        if (stream)
        {
            Expect(observer.Pieces.Count > 1, $"{observer.Pieces.Count} piece(s) streamed");
            Expect(string.Concat(observer.Pieces) == Answer(prompt), $"streamed text: {string.Concat(observer.Pieces)}");
        }
        else
        {
            Expect(response.Text == Answer(prompt), $"answer: {response.Text}");
        }
    }

    private static void Settings()
    {
        var chain = new List<LlmProvider>
        {
            LlmProvider.LocalRunner(Installed),
            new() { Name = "backup", Kind = LlmProviderKind.OpenAICompatible, Model = "m", Endpoint = "http://127.0.0.1:1/v1", ApiKeyEnvironmentVariable = "UDM_KEY" },
        };
        new SettingsStore().Update(s => { s.Providers = chain; s.CooldownSec = 7; });
        var read = new SettingsStore().Load();
        Expect(read.CooldownSec == 7 && read.Providers.Select(p => p.ToString()).SequenceEqual(chain.Select(p => p.ToString()))
            && read.Providers[1].ApiKeyEnvironmentVariable == "UDM_KEY", $"read back: {read.CooldownSec}, {string.Join("; ", read.Providers)}");
    }

    // An OpenAI-compatible provider that is down, then the stand-in's OpenAI-compatible endpoint: the chain moves on.
    private void Fallback()
    {
        var chain = new[]
        {
            new LlmProvider { Name = "down", Kind = LlmProviderKind.OpenAICompatible, Model = "m", Endpoint = $"http://127.0.0.1:{ClosedPort()}/v1" },
            new LlmProvider { Name = "backup", Kind = LlmProviderKind.OpenAICompatible, Model = Installed, Endpoint = runnerUrl.TrimEnd('/') + "/engines/v1" },
        };
        var observer = new Observer();
        var request = new LlmRequest { Messages = new[] { new LlmMessage("user", "fall back") }, MaxRetries = 0, Timeout = TimeSpan.FromSeconds(60) };
        var response = Route(chain, request, observer);
        Expect(response.Provider == "backup" && response.Text == Answer("fall back"), $"answer from {response.Provider}: {response.Text}");
        Expect(response.Attempts.Count == 2 && !response.Attempts[0].Succeeded, $"attempts: {string.Join("; ", response.Attempts)}");
    }

    private static LlmResponse Route(IReadOnlyList<LlmProvider> chain, LlmRequest request, Observer observer) =>
        new LlmRouter(new ChatClientFactory(new DockerModelClient())).RunAsync(chain, request, observer, CancellationToken.None).GetAwaiter().GetResult();

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class Observer : IRouteObserver
    {
        public readonly List<string> Pieces = new();
        public void OnPiece(string text) { lock (Pieces) Pieces.Add(text); }
        public void OnVerbose(string message) { }
        public void OnPullProgress(PullProgress progress) { }
    }

    // Reports synchronously (System.Progress posts to the thread pool, so a step could arrive after the pull returned).
    private sealed class Progress(List<PullProgress> steps) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) { lock (steps) steps.Add(value); }
    }
}
