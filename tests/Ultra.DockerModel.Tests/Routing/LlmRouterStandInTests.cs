using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>Two stand-in runners: "local" is reached through `docker model` (the CLI plugin), "backup" as an OpenAI-compatible server.</summary>
public sealed class RoutingStandIns : IDisposable
{
    public StandInServer Local { get; } = StandInServer.Start();
    public StandInServer Backup { get; } = StandInServer.Start();

    public void Dispose()
    {
        Local.Dispose();
        Backup.Dispose();
    }
}

/// <summary>The router with the real chat clients against the stand-ins: each fallback trigger and non-trigger as a user meets it.</summary>
[Collection(RoutingCollection.Name)]
public sealed class LlmRouterStandInTests
{
    private readonly StandInServer _local;
    private readonly StandInServer _backup;
    private readonly string _localName = Chain.Unique("local");
    private readonly string _backupName = Chain.Unique("backup");
    private readonly RecordingObserver _observer = new();
    private readonly ProviderCooldown _cooldown = new();

    public LlmRouterStandInTests(RoutingStandIns standIns)
    {
        _local = standIns.Local;
        _backup = standIns.Backup;
        _local.Reset();
        _backup.Reset();
    }

    private Dictionary<string, string?> LocalEnvironment => new() { ["DOCKER_CONFIG"] = _local.DockerConfig, ["MODEL_RUNNER_HOST"] = _local.Url };

    private static ChatClientFactory Factory(IReadOnlyDictionary<string, string?> environment, string docker = "docker") =>
        new(new DockerModelClient(new DockerCli(docker, environment)));

    private LlmProvider Backup => Chain.OpenAI(_backupName, _backup.Url + "/v1");

    /// <summary>An OpenAI-compatible provider on the "local" stand-in's HTTP API (for the HTTP faults).</summary>
    private LlmProvider LocalHttp(string model = "ai/smollm2") => Chain.OpenAI(_localName, _local.Url + "/engines/v1", model);

    private Task<LlmResponse> Run(params LlmProvider[] chain) => Run(Chain.Prompt(), null, chain);

    private Task<LlmResponse> Run(LlmRequest request, ChatClientFactory? factory, params LlmProvider[] chain) =>
        new LlmRouter(factory ?? Factory(LocalEnvironment), _cooldown).RunAsync(chain, request, _observer, default);

    private void AssertAnsweredByBackup(LlmResponse r, string firstErrorId)
    {
        Assert.Equal(_backupName, r.Provider);
        Assert.StartsWith("You said: «hi».", r.Text);
        Assert.Equal(firstErrorId, r.Attempts[0].ErrorId);
        Assert.Equal(_localName, r.Attempts[0].Provider);
        Assert.True(r.Attempts[^1].Succeeded);
        Assert.Single(_backup.GetRequests());
    }

    [Fact]
    public async Task A_stopped_runner_falls_back_to_the_backup()
    {
        _local.Configure(new { fault = "not-running" });
        var r = await Run(Chain.Dmr(_localName), Backup);
        AssertAnsweredByBackup(r, "RunnerNotRunning");
        Assert.Contains("not running", r.Attempts[0].Error);
    }

    [Fact]
    public async Task A_running_runner_answers_and_the_backup_is_not_asked()
    {
        var r = await Run(Chain.Dmr(_localName), Backup);
        Assert.Equal(_localName, r.Provider);
        Assert.StartsWith("You said: «hi».", r.Text);
        Assert.Equal(r.Text, _observer.Text);
        Assert.Single(r.Attempts);
        Assert.Single(_local.GetRequests());
        Assert.Empty(_backup.GetRequests());
    }

    [Fact]
    public async Task A_missing_docker_falls_back()
    {
        var r = await Run(Chain.Prompt(), Factory(LocalEnvironment, "udm-no-such-docker"), Chain.Dmr(_localName), Backup);
        AssertAnsweredByBackup(r, "DockerNotInstalled");
    }

    [Fact]
    public async Task A_missing_model_plugin_falls_back()
    {
        string empty = Path.Combine(Path.GetTempPath(), "udm-no-plugins-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            var env = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = empty, ["MODEL_RUNNER_HOST"] = _local.Url };
            var r = await Run(Chain.Prompt(), Factory(env), Chain.Dmr(_localName), Backup);
            AssertAnsweredByBackup(r, "PluginMissing");
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public async Task An_unreachable_runner_falls_back()
    {
        var env = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _local.DockerConfig, ["MODEL_RUNNER_HOST"] = $"http://127.0.0.1:{LoopbackOpenAIServer.FreePort()}" };
        var r = await Run(Chain.Prompt(), Factory(env), Chain.Dmr(_localName), Backup);
        AssertAnsweredByBackup(r, "RunnerUnreachable");
    }

    [Fact]
    public async Task An_OpenAI_compatible_endpoint_that_refuses_the_connection_falls_back_with_a_provider_neutral_message()
    {
        int port = LoopbackOpenAIServer.FreePort();
        var dead = Chain.OpenAI(_localName, $"http://127.0.0.1:{port}/v1");
        var r = await Run(dead, Backup);
        AssertAnsweredByBackup(r, "RunnerUnreachable");
        Assert.Contains($"127.0.0.1:{port}", r.Attempts[0].Error);
        Assert.DoesNotContain("Docker", r.Attempts[0].Error);
        Assert.DoesNotContain("MODEL_RUNNER_HOST", r.Attempts[0].Error);
    }

    [Fact]
    public async Task A_model_that_is_not_installed_falls_back_and_the_CLIs_automatic_pull_is_stopped()
    {
        _local.Reset(installed: Array.Empty<string>());
        _local.Configure(new { pullStepDelayMs = 1500 }); // a download that takes a while, as a real one does
        var r = await Run(Chain.Dmr(_localName), Backup);
        AssertAnsweredByBackup(r, "ModelNotFound");
        Assert.Contains("Install-LocalModel ai/smollm2", r.Attempts[0].Error);
        await Task.Delay(2000); // past the next progress step: a pull still going would have written it and gone on
        using var http = new System.Net.Http.HttpClient();
        Assert.Equal("[]", (await http.GetStringAsync(_local.Url + "/models")).Trim());
    }

    [Fact]
    public async Task A_model_an_OpenAI_compatible_endpoint_does_not_serve_falls_back_without_Docker_advice()
    {
        var r = await Run(LocalHttp("ai/gemma3"), Backup);
        AssertAnsweredByBackup(r, "ModelNotFound");
        Assert.Contains("ai/gemma3", r.Attempts[0].Error);
        Assert.DoesNotContain("Install-LocalModel", r.Attempts[0].Error);
    }

    [Fact]
    public async Task HTTP_429_is_retried_after_the_Retry_After_wait_then_falls_back()
    {
        _local.Configure(new { fault = "http-429" });
        var r = await Run(Chain.Prompt(maxRetries: 1, retryDelayMs: 10), null, LocalHttp(), Backup);
        AssertAnsweredByBackup(r, "RateLimited");
        Assert.Equal(new[] { "RateLimited", "RateLimited", null }, r.Attempts.Select(a => a.ErrorId));
        Assert.Equal(2, _local.GetRequests().Length);
        // The stand-in sends Retry-After: 1; the time not spent in any try is the wait.
        var waited = r.Elapsed - r.Attempts.Aggregate(TimeSpan.Zero, (t, a) => t + a.Duration);
        Assert.True(waited >= TimeSpan.FromSeconds(0.95), $"waited {waited}");
    }

    [Fact]
    public async Task HTTP_429_that_clears_is_answered_by_the_same_provider()
    {
        _local.Configure(new { fault = "http-429", faultCount = 1 });
        var r = await Run(Chain.Prompt(retryDelayMs: 10), null, LocalHttp(), Backup);
        Assert.Equal(_localName, r.Provider);
        Assert.Equal(new[] { "RateLimited", null }, r.Attempts.Select(a => a.ErrorId));
        Assert.Empty(_backup.GetRequests());
    }

    [Fact]
    public async Task HTTP_500_is_retried_then_falls_back()
    {
        _local.Configure(new { fault = "http-500" });
        var r = await Run(LocalHttp(), Backup);
        AssertAnsweredByBackup(r, "ServerError");
        Assert.Equal(new[] { "ServerError", "ServerError", "ServerError", null }, r.Attempts.Select(a => a.ErrorId));
    }

    [Theory]
    [InlineData("http-429", "RateLimited")]
    [InlineData("http-500", "ServerError")]
    public async Task The_runner_failing_behind_the_CLI_is_retried_then_falls_back(string fault, string errorId)
    {
        _local.Configure(new { fault });
        var r = await Run(Chain.Prompt(maxRetries: 1, retryDelayMs: 10), null, Chain.Dmr(_localName), Backup);
        AssertAnsweredByBackup(r, errorId);
        Assert.Equal(new[] { errorId, errorId, null }, r.Attempts.Select(a => a.ErrorId));
    }

    [Fact]
    public async Task A_hanging_endpoint_hits_the_first_token_time_out_and_falls_back()
    {
        _local.Configure(new { fault = "hang" });
        var r = await Run(Chain.Prompt(firstToken: TimeSpan.FromSeconds(1)), null, LocalHttp(), Backup);
        AssertAnsweredByBackup(r, "Timeout");
        Assert.True(r.Attempts[0].Duration >= TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task A_hanging_runner_behind_the_CLI_hits_the_providers_TimeoutSec_and_falls_back()
    {
        _local.Configure(new { fault = "hang" });
        var local = Chain.Dmr(_localName);
        local.TimeoutSec = 2;
        var r = await Run(local, Backup);
        AssertAnsweredByBackup(r, "Timeout");
        Assert.True(r.Attempts[0].Duration < TimeSpan.FromSeconds(25), $"{r.Attempts[0].Duration}");
        // The docker child was stopped, so the runner sees its connection go away.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_local.GetStats().GetProperty("activeStreams").GetInt32() > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(0, _local.GetStats().GetProperty("activeStreams").GetInt32());
    }

    [Theory]
    [InlineData("http-401", "AuthenticationFailed")]
    [InlineData("context-too-long", "ContextTooLong")]
    public async Task A_refused_key_or_a_too_long_prompt_does_not_fall_back(string fault, string errorId)
    {
        _local.Configure(new { fault });
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(LocalHttp(), Backup));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Single(_local.GetRequests());
        Assert.Empty(_backup.GetRequests());
    }

    [Theory]
    [InlineData("http-401", "AuthenticationFailed")]
    [InlineData("context-too-long", "ContextTooLong")]
    public async Task A_refused_key_or_a_too_long_prompt_behind_the_CLI_does_not_fall_back(string fault, string errorId)
    {
        _local.Configure(new { fault });
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(Chain.Dmr(_localName), Backup));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Empty(_backup.GetRequests());
    }

    [Fact]
    public async Task A_bad_invocation_does_not_fall_back()
    {
        var local = Chain.Dmr(_localName);
        local.Transport = LlmTransport.Cli;
        var request = new LlmRequest { Messages = new[] { new LlmMessage("system", "Be brief."), new LlmMessage("user", "hi") } };
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(request, null, local, Backup));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Empty(_backup.GetRequests());
    }

    [Fact]
    public async Task A_stream_that_breaks_after_the_first_piece_keeps_the_partial_text_and_does_not_fall_back()
    {
        _local.Configure(new { fault = "crash-mid-stream", crashAfterPieces = 3 });
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(LocalHttp(), Backup));
        Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
        Assert.False(string.IsNullOrEmpty(e.PartialText));
        Assert.StartsWith(e.PartialText, "You said: «hi».");
        Assert.Equal(e.PartialText, _observer.Text);
        Assert.Single(_local.GetRequests()); // not retried either
        Assert.Empty(_backup.GetRequests());
    }

    [Fact]
    public async Task A_CLI_answer_that_breaks_after_the_first_piece_keeps_the_partial_text_and_does_not_fall_back()
    {
        _local.Configure(new { fault = "crash-mid-stream", crashAfterPieces = 3 });
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(Chain.Dmr(_localName), Backup));
        Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
        Assert.False(string.IsNullOrEmpty(e.PartialText));
        Assert.Equal(e.PartialText, _observer.Text);
        Assert.Empty(_backup.GetRequests());
    }

    [Fact]
    public async Task The_API_key_is_sent_as_a_bearer_token_and_appears_in_no_error()
    {
        const string variable = "UDM_ROUTER_TEST_KEY";
        const string key = "sk-udm-router-0123456789abcdefSECRET";
        Environment.SetEnvironmentVariable(variable, key);
        try
        {
            using var server = new LoopbackOpenAIServer();
            var provider = Chain.OpenAI(_localName, server.BaseUrl, "m", variable);
            var r = await Run(provider);
            Assert.Equal("ok", r.Text);
            Assert.True(server.Requests.TryPeek(out var headers));
            Assert.Equal("Bearer " + key, headers!["Authorization"]);

            server.Respond = resp => LoopbackOpenAIServer.Error(resp, 401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}");
            var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(provider));
            Assert.Equal(ErrorKind.AuthenticationFailed, e.Kind);
            Assert.Contains(variable, e.Message);
            Assert.DoesNotContain(key, e.ToString());
            Assert.DoesNotContain(key, e.RawError ?? "");
            Assert.DoesNotContain(key, _observer.AllVerbose);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task A_missing_key_variable_is_an_authentication_error_naming_the_variable()
    {
        var provider = Chain.OpenAI(_localName, _local.Url + "/v1", "ai/smollm2", "UDM_ROUTER_TEST_UNSET_KEY");
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(provider, Backup));
        Assert.Equal(ErrorKind.AuthenticationFailed, e.Kind);
        Assert.Contains("UDM_ROUTER_TEST_UNSET_KEY", e.Message);
        Assert.Empty(_local.GetRequests());
        Assert.Empty(_backup.GetRequests());
    }

    [Fact]
    public async Task A_malformed_event_before_any_text_is_a_typed_error_that_falls_back()
    {
        using var server = new LoopbackOpenAIServer();
        server.Respond = resp => LoopbackOpenAIServer.Sse(resp, "data: {not json", "data: [DONE]");
        var r = await Run(Chain.Prompt(maxRetries: 0), null, Chain.OpenAI(_localName, server.BaseUrl, "m"), Backup);
        AssertAnsweredByBackup(r, "ServerError");
    }

    [Fact]
    public async Task A_malformed_event_after_some_text_keeps_the_partial_text()
    {
        using var server = new LoopbackOpenAIServer();
        server.Respond = resp => LoopbackOpenAIServer.Sse(resp, "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}", "data: {not json", "data: [DONE]");
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(Chain.OpenAI(_localName, server.BaseUrl, "m"), Backup));
        Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
        Assert.Equal("Hel", e.PartialText);
        Assert.Empty(_backup.GetRequests());
    }
}
