using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;
using static Ultra.DockerModel.Tests.Providers.ProviderTestKit;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>
/// -Transport Auto takes the fastest transport that can carry the call: the runner's HTTP API when it is known to be
/// there (MODEL_RUNNER_HOST, a configured endpoint, or what `docker model status --json` reported, asked once), the CLI
/// otherwise. A stand-in of its own (not the shared "StandIn" collection), so these run beside the other classes.
/// </summary>
public class AutoTransportTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private readonly StandInServer _s = fixture.Server;

    private static LlmRequest Ask(string prompt, string? system = null) => new()
    {
        Messages = system is null ? [new LlmMessage("user", prompt)] : [new LlmMessage("system", system), new LlmMessage("user", prompt)],
        MaxRetries = 0,
    };

    private sealed class Recorder : IRouteObserver
    {
        public void OnPiece(string text) { }
        public void OnVerbose(string message) { }
        public void OnPullProgress(PullProgress progress) { }
    }

    private static Task<LlmResponse> Run(ChatClientFactory factory, LlmRequest request, string model = "ai/smollm2", LlmTransport transport = LlmTransport.Auto) =>
        new LlmRouter(factory).RunAsync([LlmProvider.LocalRunner(model, transport)], request, new Recorder(), CancellationToken.None);

    private static ChatClientFactory Factory(IReadOnlyDictionary<string, string?> environment, string docker = "docker")
    {
        var client = new DockerModelClient(new DockerCli(docker, environment));
        return new ChatClientFactory(client, new RunnerEndpoint(client));
    }

    private long Stat(string name) => _s.GetStats().GetProperty(name).GetInt64();

    // The HTTP client asks for usage (stream_options); the docker CLI does not.
    private static bool CameOverHttp(System.Text.Json.JsonElement request) => request.TryGetProperty("stream_options", out _);

    [Fact]
    public async Task Auto_asks_docker_model_status_once_then_answers_every_call_over_http()
    {
        _s.Reset();
        var factory = Factory(_s.EngineEnvironment());
        for (int i = 0; i < 3; i++) Assert.Equal(Answer($"call {i}"), (await Run(factory, Ask($"call {i}"))).Text);

        Assert.Equal(1, Stat("statusRequests")); // one `docker model status` for the session, none per call
        Assert.All(_s.GetRequests(), r => Assert.True(CameOverHttp(r)));
        Assert.Equal(1, Stat("chatConnections")); // and one connection, kept across the calls
    }

    [Fact]
    public async Task Parallel_first_calls_share_one_status_lookup()
    {
        _s.Reset();
        var factory = Factory(_s.EngineEnvironment());
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Run(factory, Ask($"parallel {i}"))));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => Answer($"parallel {i}")), answers.Select(a => a.Text));
        Assert.Equal(1, Stat("statusRequests"));
    }

    [Fact]
    public async Task With_MODEL_RUNNER_HOST_no_process_is_started_at_all()
    {
        _s.Reset();
        // No docker client exists under this name: a call that started one would fail with DockerNotInstalled.
        var factory = Factory(new Dictionary<string, string?> { ["MODEL_RUNNER_HOST"] = _s.Url }, docker: "udm-no-such-docker");
        Assert.Equal(Answer("no process"), (await Run(factory, Ask("no process"))).Text);
        Assert.True(CameOverHttp(_s.GetRequests().Single()));
    }

    [Fact]
    public async Task A_configured_endpoint_carries_a_plain_prompt_too()
    {
        _s.Reset();
        var factory = Factory(_s.EngineEnvironment(), docker: "udm-no-such-docker");
        var provider = new LlmProvider { Name = "local", Kind = LlmProviderKind.DockerModelRunner, Model = "ai/smollm2", Endpoint = _s.Url + "/engines/v1" };
        var r = await new LlmRouter(factory).RunAsync([provider], Ask("configured"), new Recorder(), CancellationToken.None);
        Assert.Equal(Answer("configured"), r.Text);
        Assert.True(CameOverHttp(_s.GetRequests().Single()));
    }

    [Fact]
    public async Task Transport_Cli_still_forces_the_cli_when_http_is_known()
    {
        _s.Reset();
        var factory = Factory(_s.EngineEnvironment());
        await Run(factory, Ask("over http"));
        Assert.Equal(Answer("over the cli"), (await Run(factory, Ask("over the cli"), transport: LlmTransport.Cli)).Text);
        Assert.Equal([true, false], _s.GetRequests().Select(CameOverHttp));
    }

    [Fact]
    public async Task A_model_that_is_not_installed_is_ModelNotFound_over_http_and_nothing_is_downloaded()
    {
        // The runner's chat API answers 404 for a model that is not local and never pulls it (reference 5.4, 7.2).
        _s.Reset(installed: ["ai/smollm2"]);
        var factory = Factory(_s.EngineEnvironment());
        var e = await Assert.ThrowsAsync<ModelNotFoundException>(() => Run(factory, Ask("hi"), model: "ai/gemma3"));
        Assert.Contains("Install-LocalModel ai/gemma3", e.Message);
        Assert.True(CameOverHttp(_s.GetRequests().Single()));
        Assert.Equal(0, Stat("pulls"));
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(_s.Url + "/models/ai/gemma3")).StatusCode);
    }

    [SkippableFact]
    public async Task Docker_Desktop_without_host_tcp_uses_the_cli_and_does_not_ask_docker_again_on_each_call()
    {
        // For a socket-relative endpoint the module tries localhost:12434: a real runner there would answer the call.
        Skip.If(PortOpen(12434), "a runner is listening on 127.0.0.1:12434 on this machine");
        _s.Reset();
        var factory = Factory(_s.EngineEnvironment("Docker Desktop"));
        for (int i = 0; i < 2; i++) Assert.Equal(Answer($"desktop {i}"), (await Run(factory, Ask($"desktop {i}"))).Text);
        Assert.All(_s.GetRequests(), r => Assert.False(CameOverHttp(r)));
        Assert.Equal(1, Stat("statusRequests"));

        // A call only HTTP can carry asks again (TCP may have been enabled since), and says how to enable it.
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Run(factory, Ask("hi", system: "short")));
        Assert.Equal(ErrorKind.EndpointRequired, e.Kind);
        Assert.Equal(2, Stat("statusRequests"));
    }

    [Fact]
    public async Task When_the_reported_endpoint_stops_answering_the_call_goes_over_the_cli_and_the_next_asks_docker_again()
    {
        using var moved = StandInServer.Start();
        // The environment docker runs in stays the same (as after `docker context use`), but the runner is now elsewhere.
        var environment = _s.EngineEnvironment();
        environment["DOCKER_CONFIG"] = moved.DockerConfig;
        var factory = Factory(environment);
        using (var before = StandInServer.Start())
        {
            environment["STANDIN_ENGINE_URL"] = before.Url;
            Assert.Equal(Answer("first"), (await Run(factory, Ask("first"))).Text);
            Assert.True(CameOverHttp(before.GetRequests().Single()));
        }
        environment["STANDIN_ENGINE_URL"] = moved.Url;

        Assert.Equal(Answer("second"), (await Run(factory, Ask("second"))).Text); // the old endpoint refuses: the CLI answers
        Assert.Equal(Answer("third"), (await Run(factory, Ask("third"))).Text);   // docker was asked again: HTTP
        Assert.Equal([false, true], moved.GetRequests().Select(CameOverHttp));
        Assert.Equal(1, moved.GetStats().GetProperty("statusRequests").GetInt64());
    }
}
