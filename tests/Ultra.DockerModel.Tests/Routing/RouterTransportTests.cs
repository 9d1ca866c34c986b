using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Providers;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Tests.Providers;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;
using static Ultra.DockerModel.Tests.Providers.ProviderTestKit;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>
/// The router and the transport choice against the stand-in: which transport a request takes, how the HTTP endpoint
/// is found from `docker model status --json`, and that every failure comes out as a DockerModelException.
/// </summary>
[Collection(StandInCollection.Name)]
public class RouterTransportTests(StandInFixture fixture)
{
    private readonly StandInServer _s = fixture.Server;

    private sealed class Recorder : IRouteObserver
    {
        public readonly List<string> Pieces = [];
        public readonly List<string> Verbose = [];
        public readonly List<PullProgress> Pulls = [];
        public void OnPiece(string text) { lock (Pieces) Pieces.Add(text); }
        public void OnVerbose(string message) { lock (Verbose) Verbose.Add(message); }
        public void OnPullProgress(PullProgress progress) { lock (Pulls) Pulls.Add(progress); }
    }

    // RunnerEndpoint reads MODEL_RUNNER_HOST from this process; these tests give it to the docker children only.
    private static void SkipIfProcessHasRunnerHost() =>
        Skip.IfNot(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MODEL_RUNNER_HOST")),
            "MODEL_RUNNER_HOST is set in this process, so the endpoint cannot come from `docker model status`");

    private static DockerModelClient DockerWithRunnerHost(StandInServer s, string runnerHost) =>
        new(new DockerCli(environment: new Dictionary<string, string?> { ["DOCKER_CONFIG"] = s.DockerConfig, ["MODEL_RUNNER_HOST"] = runnerHost }));

    private static LlmRequest Ask(string prompt, string? system = null, int? maxTokens = null) => new()
    {
        Messages = system is null ? [new LlmMessage("user", prompt)] : [new LlmMessage("system", system), new LlmMessage("user", prompt)],
        MaxTokens = maxTokens,
        MaxRetries = 0,
    };

    [SkippableFact]
    public async Task The_http_endpoint_comes_from_docker_model_status_when_MODEL_RUNNER_HOST_is_not_set_here()
    {
        SkipIfProcessHasRunnerHost();
        _s.Reset();
        var router = new LlmRouter(new ChatClientFactory(DockerWithRunnerHost(_s, _s.Url)));
        var r = await router.RunAsync([LlmProvider.LocalRunner("ai/smollm2")], Ask("hi", system: "short"), new Recorder(), CancellationToken.None);
        Assert.Equal(Answer("hi", "short"), r.Text);
        Assert.True(_s.GetRequests().Single().TryGetProperty("stream_options", out _)); // the HTTP client, not the CLI
    }

    [SkippableFact]
    public async Task A_runner_whose_status_endpoint_is_socket_relative_gives_EndpointRequired_naming_the_tcp_command()
    {
        SkipIfProcessHasRunnerHost();
        _s.Reset();
        // Docker Desktop without host TCP: the endpoint it reports is only reachable through the Docker socket.
        var docker = DockerWithRunnerHost(_s, _s.Url + "/exp/vDD4.40");
        var router = new LlmRouter(new ChatClientFactory(docker));
        var e = await Assert.ThrowsAsync<DockerModelException>(() =>
            router.RunAsync([LlmProvider.LocalRunner("ai/smollm2")], Ask("hi", system: "short"), new Recorder(), CancellationToken.None));
        Assert.Equal(ErrorKind.EndpointRequired, e.Kind);
        Assert.Contains("docker desktop enable model-runner --tcp 12434", e.Message);
        Assert.Empty(_s.GetRequests()); // the system prompt was not dropped to use the CLI instead

        // The same call without options goes over the CLI and works.
        var r = await router.RunAsync([LlmProvider.LocalRunner("ai/smollm2")], Ask("hi"), new Recorder(), CancellationToken.None);
        Assert.Equal(Answer("hi"), r.Text);
    }

    [SkippableFact]
    public async Task After_tcp_is_enabled_the_next_call_finds_the_endpoint()
    {
        SkipIfProcessHasRunnerHost();
        _s.Reset();
        var cli = new DockerCli(environment: new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _s.DockerConfig, ["MODEL_RUNNER_HOST"] = _s.Url + "/exp/vDD4.40" });
        var factory = new ChatClientFactory(new DockerModelClient(cli));
        var provider = LlmProvider.LocalRunner("ai/smollm2", LlmTransport.Http);
        await Assert.ThrowsAsync<DockerModelException>(() => new LlmRouter(factory).RunAsync([provider], Ask("hi"), new Recorder(), CancellationToken.None));

        // The user follows the advice; a fresh docker client (as after changing the environment) now reports a TCP endpoint.
        var fixedFactory = new ChatClientFactory(DockerWithRunnerHost(_s, _s.Url));
        var r = await new LlmRouter(fixedFactory).RunAsync([provider], Ask("hi"), new Recorder(), CancellationToken.None);
        Assert.Equal(Answer("hi"), r.Text);
    }

    [SkippableFact]
    public async Task A_stopped_runner_is_RunnerNotRunning_for_an_http_call_too_not_EndpointRequired()
    {
        SkipIfProcessHasRunnerHost();
        _s.Reset();
        _s.Configure(new { fault = "not-running" });
        var router = new LlmRouter(new ChatClientFactory(DockerWithRunnerHost(_s, _s.Url)));
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() =>
            router.RunAsync([LlmProvider.LocalRunner("ai/smollm2", LlmTransport.Http)], Ask("hi"), new Recorder(), CancellationToken.None));
        Assert.Equal(ErrorKind.RunnerNotRunning, e.Kind);
    }

    [SkippableFact]
    [SupportedOSPlatform("linux")] // Skip.IfNot below: the analyzer cannot see that it ends the test elsewhere
    public async Task Docker_Desktop_without_host_tcp_is_EndpointRequired_not_a_connection_error()
    {
        SkipIfProcessHasRunnerHost();
        Skip.IfNot(OperatingSystem.IsLinux(), "the fake docker is a sh script (Linux only)");
        // For a socket-relative endpoint the module tries localhost:12434: a real runner there would answer the call.
        Skip.If(PortOpen(12434), "a runner is listening on 127.0.0.1:12434 on this machine");
        // A docker whose `model status --json` is Docker Desktop's: a socket-relative endpointHost.
        string dir = Directory.CreateTempSubdirectory("fake-desktop-").FullName;
        try
        {
            string docker = Path.Combine(dir, "docker");
            File.WriteAllText(docker, """
                #!/bin/sh
                case "$2" in
                  version) printf 'Client:\n Version:    v1.2.6\n OS/Arch:    linux/amd64\n\nServer:\n Version:    v1.2.6\n Engine:     Docker Desktop\n' ;;
                  status) printf '{"running":true,"backends":{"llama.cpp":"Running"},"kind":"Docker Desktop","endpoint":"http://model-runner.docker.internal/v1/","endpointHost":"http://localhost/exp/vDD4.40/v1/"}\n' ;;
                  *) echo "unexpected: $*" >&2; exit 1 ;;
                esac
                """.Replace("\r\n", "\n"));
            File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var router = new LlmRouter(new ChatClientFactory(new DockerModelClient(new DockerCli(docker))));
            var e = await Assert.ThrowsAsync<DockerModelException>(() =>
                router.RunAsync([LlmProvider.LocalRunner("ai/smollm2")], Ask("hi", system: "short"), new Recorder(), CancellationToken.None));
            Assert.Equal(ErrorKind.EndpointRequired, e.Kind);
            Assert.Contains("docker desktop enable model-runner --tcp 12434", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool PortOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException) { return false; }
        catch (SocketException) { return false; }
    }

    public static TheoryData<string> SamplingOptions => new() { "TopP", "TopK", "Seed", "Stop", "FrequencyPenalty", "PresencePenalty" };

    [Theory]
    [MemberData(nameof(SamplingOptions))]
    public async Task A_sampling_option_is_refused_over_the_cli_never_dropped(string option)
    {
        _s.Reset();
        var request = option switch
        {
            "TopP" => new LlmRequest { Messages = [new LlmMessage("user", "hi")], TopP = 0.5f },
            "TopK" => new LlmRequest { Messages = [new LlmMessage("user", "hi")], TopK = 5 },
            "Seed" => new LlmRequest { Messages = [new LlmMessage("user", "hi")], Seed = 7 },
            "Stop" => new LlmRequest { Messages = [new LlmMessage("user", "hi")], Stop = ["x"] },
            "FrequencyPenalty" => new LlmRequest { Messages = [new LlmMessage("user", "hi")], FrequencyPenalty = 1 },
            _ => new LlmRequest { Messages = [new LlmMessage("user", "hi")], PresencePenalty = 1 },
        };
        var e = await Assert.ThrowsAsync<DockerModelException>(() => new LlmRouter(new ChatClientFactory(new DockerModelClient(Cli(_s))))
            .RunAsync([LlmProvider.LocalRunner("ai/smollm2", LlmTransport.Cli)], request, new Recorder(), CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("-" + option, e.Message);
        Assert.Empty(_s.GetRequests());
    }

    [Fact]
    public async Task Sampling_options_go_over_http_through_the_router()
    {
        _s.Reset();
        var request = new LlmRequest { Messages = [new LlmMessage("user", "hi")], Seed = 42, Stop = ["END"], TopK = 3, MaxRetries = 0 };
        var router = new LlmRouter(new ChatClientFactory(new DockerModelClient(Cli(_s))));
        var provider = new LlmProvider { Name = "local", Kind = LlmProviderKind.DockerModelRunner, Model = "ai/smollm2", Endpoint = _s.Url + "/engines/v1" };
        var r = await router.RunAsync([provider], request, new Recorder(), CancellationToken.None);
        Assert.Equal(Answer("hi"), r.Text);
        var body = _s.GetRequests().Single();
        Assert.Equal(42, body.GetProperty("seed").GetInt64());
        Assert.Equal("END", body.GetProperty("stop")[0].GetString());
        Assert.Equal(3, body.GetProperty("top_k").GetInt32());
    }

    [Fact]
    public async Task A_malformed_event_mid_answer_is_StreamInterrupted_with_the_partial_text()
    {
        using var server = CannedHttpServer.Sse("""{"choices":[{"index":0,"delta":{"content":"Hello "}}]}""", "{\"choices\": [ oops");
        var provider = new LlmProvider { Name = "canned", Kind = LlmProviderKind.OpenAICompatible, Model = "m", Endpoint = server.BaseUrl };
        var observer = new Recorder();
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() =>
            new LlmRouter(new ChatClientFactory(new DockerModelClient())).RunAsync([provider], Ask("hi"), observer, CancellationToken.None));
        Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
        Assert.Equal("Hello ", e.PartialText);
        Assert.Equal(["Hello "], observer.Pieces);
    }

    [Fact]
    public async Task A_crash_mid_answer_over_the_cli_carries_the_partial_text()
    {
        _s.Reset();
        _s.Configure(new { fault = "crash-mid-stream", crashAfterPieces = 3 });
        var observer = new Recorder();
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() =>
            new LlmRouter(new ChatClientFactory(new DockerModelClient(Cli(_s)))).RunAsync([LlmProvider.LocalRunner("ai/smollm2")], Ask("hi there"), observer, CancellationToken.None));
        Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
        Assert.Equal(string.Concat(observer.Pieces), e.PartialText);
        Assert.StartsWith("You said", e.PartialText);
    }

    [Fact]
    public async Task AutoPull_pulls_a_missing_model_with_progress_then_answers()
    {
        _s.Reset(installed: ["ai/smollm2"]);
        var observer = new Recorder();
        var request = new LlmRequest { Messages = [new LlmMessage("user", "hi")], AutoPull = true };
        var r = await new LlmRouter(new ChatClientFactory(new DockerModelClient(Cli(_s)))).RunAsync(
            [LlmProvider.LocalRunner("ai/gemma3")], request, observer, CancellationToken.None);
        Assert.Equal(Answer("hi"), r.Text);
        Assert.Equal(1, _s.GetStats().GetProperty("pulls").GetInt64());
        Assert.True(observer.Pulls.Count > 2);
        Assert.Equal(100, observer.Pulls[^1].PercentComplete);
    }

    [SkippableFact]
    public async Task TimeoutSec_ends_a_hung_cli_call_with_Timeout_and_no_process_left()
    {
        _s.Reset();
        _s.Configure(new { fault = "hang" });
        string marker = "marker-" + Guid.NewGuid().ToString("N");
        var request = new LlmRequest { Messages = [new LlmMessage("user", "hang " + marker)], Timeout = TimeSpan.FromSeconds(3) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() =>
            new LlmRouter(new ChatClientFactory(new DockerModelClient(Cli(_s)))).RunAsync([LlmProvider.LocalRunner("ai/smollm2")], request, new Recorder(), CancellationToken.None));
        Assert.Equal(ErrorKind.Timeout, e.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(WaitForNoProcess(marker, TimeSpan.FromSeconds(5)));
    }

    // Issue 10 item 15: a reasoning model's thinking goes to Reasoning, out of Text and out of the History sent back.
    private sealed class ThinkingRecorder : IRouteObserver, IReasoningObserver
    {
        public readonly List<string> Pieces = [];
        public readonly List<string> Thoughts = [];
        public void OnPiece(string text) { lock (Pieces) Pieces.Add(text); }
        public void OnReasoning(string text) { lock (Thoughts) Thoughts.Add(text); }
        public void OnVerbose(string message) { }
        public void OnPullProgress(PullProgress progress) { }
    }

    [Theory]
    [InlineData(LlmTransport.Cli)]
    [InlineData(LlmTransport.Http)]
    public async Task A_reasoning_models_thinking_is_Reasoning_not_Text_nor_History(LlmTransport transport)
    {
        _s.Reset();
        _s.Configure(new { reasoning = true });
        var provider = new LlmProvider
        {
            Name = "DockerModelRunner", Kind = LlmProviderKind.DockerModelRunner, Model = "ai/smollm2", Transport = transport,
            Endpoint = transport == LlmTransport.Http ? _s.Url + "/engines/v1" : null,
        };
        var observer = new ThinkingRecorder();
        var r = await new LlmRouter(new ChatClientFactory(new DockerModelClient(Cli(_s)))).RunAsync([provider], Ask("hi"), observer, CancellationToken.None);
        Assert.Equal(Answer("hi"), r.Text);
        Assert.Equal("Let me think about «hi».", r.Reasoning);
        Assert.Equal(Answer("hi"), string.Concat(observer.Pieces));
        Assert.Equal(r.Reasoning, string.Concat(observer.Thoughts));
        Assert.Equal(["user", "assistant"], r.History.Select(m => m.Role));
        Assert.Equal(Answer("hi"), r.History[^1].Content);
        Assert.NotNull(r.TimeToFirstToken);
    }
}
