using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Routing;
using Xunit;
using static Ultra.DockerModel.Tests.Routing.Scripts;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>The router's decisions, with scripted providers: what falls back, what stops, what is retried, what cools down.</summary>
[Collection(RoutingCollection.Name)]
public sealed class LlmRouterTests
{
    private readonly string _a = Chain.Unique("a");
    private readonly string _b = Chain.Unique("b");
    private readonly ScriptedFactory _factory = new();
    private readonly RecordingObserver _observer = new();
    private readonly ProviderCooldown _cooldown = new();

    private Task<LlmResponse> Run(LlmRequest? request = null, CancellationToken token = default, params string[] names) =>
        new LlmRouter(_factory, _cooldown).RunAsync((names.Length == 0 ? new[] { _a, _b } : names).Select(n => Chain.Dmr(n)).ToList(),
            request ?? Chain.Prompt(), _observer, token);

    public static TheoryData<string> Unavailable => new()
    {
        nameof(ErrorKind.DockerNotInstalled), nameof(ErrorKind.PluginMissing), nameof(ErrorKind.RunnerNotRunning),
        nameof(ErrorKind.RunnerUnreachable), nameof(ErrorKind.ModelNotFound), nameof(ErrorKind.OutOfMemory),
        nameof(ErrorKind.EndpointRequired),
    };

    private static DockerModelException Error(string kind) => kind switch
    {
        nameof(ErrorKind.DockerNotInstalled) => new DockerNotInstalledException("docker"),
        nameof(ErrorKind.PluginMissing) => new PluginMissingException("docker: unknown command: docker model"),
        nameof(ErrorKind.RunnerNotRunning) => new RunnerNotRunningException("Docker Model Runner is not running."),
        nameof(ErrorKind.RunnerUnreachable) => new RunnerUnreachableException("connection refused."),
        nameof(ErrorKind.ModelNotFound) => new ModelNotFoundException("ai/smollm2"),
        nameof(ErrorKind.OutOfMemory) => new ModelOutOfMemoryException("ai/smollm2", "not enough GPU memory"),
        nameof(ErrorKind.ContextTooLong) => new ContextTooLongException("ai/smollm2", "exceed_context_size_error"),
        nameof(ErrorKind.InvalidModelName) => new InvalidModelNameException("ai/x y"),
        _ => new DockerModelException(Enum.Parse<ErrorKind>(kind), $"scripted {kind}"),
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public async Task An_unavailable_provider_falls_back_to_the_next(string kind)
    {
        _factory.On(_a, Fail(Error(kind))).On(_b, Answer("from ", "b"));
        var r = await Run();
        Assert.Equal(_b, r.Provider);
        Assert.Equal("from b", r.Text);
        Assert.Equal(1, _factory.CallsTo(_a)); // not a transient error: no retry
        Assert.Collection(r.Attempts,
            a => { Assert.Equal(_a, a.Provider); Assert.False(a.Succeeded); Assert.Equal(kind, a.ErrorId); },
            a => { Assert.Equal(_b, a.Provider); Assert.True(a.Succeeded); Assert.Null(a.ErrorId); });
        Assert.Contains(_observer.Verbose, v => v.Contains($"'{_a}' is unavailable ({kind}") && v.Contains("next provider"));
    }

    [Theory]
    [InlineData(nameof(ErrorKind.InvalidInvocation))]
    [InlineData(nameof(ErrorKind.AuthenticationFailed))]
    [InlineData(nameof(ErrorKind.ContextTooLong))]
    [InlineData(nameof(ErrorKind.InvalidModelName))]
    [InlineData(nameof(ErrorKind.Unknown))]
    public async Task A_bad_request_or_a_refused_key_stops_at_once(string kind)
    {
        _factory.On(_a, Fail(Error(kind))).On(_b, Answer("never"));
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run());
        Assert.Equal(kind, e.ErrorId);
        Assert.Equal(1, _factory.CallsTo(_a));
        Assert.Equal(0, _factory.CallsTo(_b));
        Assert.False(_cooldown.IsCooling(Chain.Dmr(_a), out _)); // not unavailable: no cool-down either
    }

    [Fact]
    public async Task Nothing_before_the_first_token_time_out_falls_back()
    {
        _factory.On(_a, Hang()).On(_b, Answer("b"));
        var r = await Run(Chain.Prompt(firstToken: TimeSpan.FromMilliseconds(300)));
        Assert.Equal(_b, r.Provider);
        var first = r.Attempts[0];
        Assert.Equal(nameof(ErrorKind.Timeout), first.ErrorId);
        Assert.Contains("first-piece time-out", first.Error);
        Assert.True(first.Duration >= TimeSpan.FromMilliseconds(250), $"gave up after {first.Duration}");
    }

    [Fact]
    public async Task The_providers_own_TimeoutSec_bounds_the_first_token_when_the_call_sets_none()
    {
        var chain = new List<LlmProvider> { Chain.Dmr(_a), Chain.Dmr(_b) };
        chain[0].TimeoutSec = 1;
        _factory.On(_a, Hang()).On(_b, Answer("b"));
        var clock = Stopwatch.StartNew();
        var r = await new LlmRouter(_factory, _cooldown).RunAsync(chain, Chain.Prompt(), _observer, default);
        Assert.Equal(_b, r.Provider);
        Assert.Equal(nameof(ErrorKind.Timeout), r.Attempts[0].ErrorId);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the hang was not cut short");
    }

    public static TheoryData<string> MidStreamErrors => new()
    {
        nameof(ErrorKind.ServerError), nameof(ErrorKind.RateLimited), nameof(ErrorKind.RunnerUnreachable),
        nameof(ErrorKind.StreamInterrupted), "HttpRequestException", "JsonException", "IOException",
    };

    private static Exception AnyError(string kind) => kind switch
    {
        "HttpRequestException" => new HttpRequestException("Response ended prematurely."),
        "JsonException" => new JsonException("'x' is an invalid start of a value."),
        "IOException" => new IOException("The response ended prematurely."),
        _ => Error(kind),
    };

    [Theory]
    [MemberData(nameof(MidStreamErrors))]
    public async Task After_the_first_piece_nothing_is_retried_or_fallen_back_and_the_partial_text_is_kept(string kind)
    {
        _factory.On(_a, PiecesThenFail(AnyError(kind), "Once ", "upon ")).On(_b, Answer("never"));
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run());
        Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
        Assert.Equal("Once upon ", e.PartialText);
        Assert.Equal("Once upon ", _observer.Text); // exactly what was written, nothing spliced after it
        Assert.Equal(1, _factory.CallsTo(_a));
        Assert.Equal(0, _factory.CallsTo(_b));
    }

    [Theory]
    [InlineData(nameof(ErrorKind.RateLimited))]
    [InlineData(nameof(ErrorKind.ServerError))]
    public async Task Transient_errors_are_retried_a_bounded_number_of_times_then_fall_back(string kind)
    {
        _factory.On(_a, Fail(Error(kind))).On(_b, Answer("b"));
        var r = await Run(Chain.Prompt(maxRetries: 2));
        Assert.Equal(_b, r.Provider);
        Assert.Equal(3, _factory.CallsTo(_a));
        Assert.Equal(new[] { kind, kind, kind, null }, r.Attempts.Select(a => a.ErrorId));
        Assert.Equal(2, _observer.Verbose.Count(v => v.Contains($"'{_a}' failed ({kind}); retrying in")));
    }

    [Fact]
    public async Task A_transient_error_that_clears_is_answered_by_the_same_provider()
    {
        _factory.On(_a, Fail(Error(nameof(ErrorKind.ServerError))), Answer("a")).On(_b, Answer("never"));
        var r = await Run();
        Assert.Equal(_a, r.Provider);
        Assert.Equal(new[] { nameof(ErrorKind.ServerError), null }, r.Attempts.Select(a => a.ErrorId));
        Assert.Equal(0, _factory.CallsTo(_b));
    }

    [Fact]
    public async Task Backoff_waits_longer_each_time()
    {
        _factory.On(_a, Fail(Error(nameof(ErrorKind.ServerError)))).On(_b, Answer("b"));
        await Run(Chain.Prompt(maxRetries: 2, retryDelayMs: 300));
        var t = _factory.CallTimes(_a);
        Assert.Equal(3, t.Count);
        // 300 ms then 600 ms, each with at most 20 % jitter off.
        Assert.True(t[1] - t[0] >= TimeSpan.FromMilliseconds(240), $"first wait {t[1] - t[0]}");
        Assert.True(t[2] - t[1] >= TimeSpan.FromMilliseconds(480), $"second wait {t[2] - t[1]}");
    }

    [Fact]
    public async Task Retry_After_is_honoured()
    {
        var limited = Error(nameof(ErrorKind.RateLimited));
        limited.RetryAfter = TimeSpan.FromMilliseconds(1500);
        _factory.On(_a, Fail(limited), Answer("a")).On(_b, Answer("never"));
        var r = await Run(Chain.Prompt(retryDelayMs: 10));
        Assert.Equal(_a, r.Provider);
        var t = _factory.CallTimes(_a);
        // Task.Delay may fire a timer tick (a few ms) early; anything shorter than that is not honouring the header.
        Assert.True(t[1] - t[0] >= TimeSpan.FromMilliseconds(1480), $"waited only {t[1] - t[0]}");
        Assert.Contains(_observer.Verbose, v => v.Contains("retrying in 1500 ms"));
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_limit_is_not_waited_for_the_next_provider_answers()
    {
        var limited = Error(nameof(ErrorKind.RateLimited));
        limited.RetryAfter = TimeSpan.FromHours(1);
        _factory.On(_a, Fail(limited)).On(_b, Answer("b"));
        var clock = Stopwatch.StartNew();
        var r = await Run();
        Assert.Equal(_b, r.Provider);
        Assert.Equal(1, _factory.CallsTo(_a));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Contains(_observer.Verbose, v => v.Contains($"'{_a}' asks to wait 3600 s") && v.Contains("not retrying"));
        Assert.True(_cooldown.IsCooling(Chain.Dmr(_a), out _));
    }

    [Fact]
    public async Task An_unavailable_provider_is_skipped_during_its_cool_down_and_the_skip_is_narrated()
    {
        _factory.On(_a, Fail(new RunnerNotRunningException("off")), Answer("a")).On(_b, Answer("b"));
        Assert.Equal(_b, (await Run()).Provider);
        var second = await Run();
        Assert.Equal(_b, second.Provider);
        Assert.Equal(1, _factory.CallsTo(_a)); // the second call did not pay for the detection again
        Assert.Equal("CoolingDown", second.Attempts[0].ErrorId);
        Assert.Equal(_a, second.Attempts[0].Provider);
        Assert.Contains(_observer.Verbose, v => v.StartsWith($"Skipping provider '{_a}'") && v.Contains("cool-down"));
    }

    [Fact]
    public async Task After_the_cool_down_the_provider_is_tried_again()
    {
        var request = Chain.Prompt(cooldown: TimeSpan.FromMilliseconds(500));
        _factory.On(_a, Fail(new RunnerNotRunningException("off")), Answer("a")).On(_b, Answer("b"));
        Assert.Equal(_b, (await Run(request)).Provider);
        await Task.Delay(900);
        var r = await Run(request);
        Assert.Equal(_a, r.Provider);
        Assert.Equal(2, _factory.CallsTo(_a));
        Assert.Single(r.Attempts);
    }

    [Fact]
    public async Task When_every_provider_is_cooling_they_are_all_tried_anyway()
    {
        _factory.On(_a, Fail(new RunnerNotRunningException("off")), Answer("a"))
                .On(_b, Fail(new RunnerUnreachableException("refused.")), Answer("b"));
        await Assert.ThrowsAsync<AllProvidersFailedException>(() => Run());
        Assert.True(_cooldown.IsCooling(Chain.Dmr(_a), out _));
        Assert.True(_cooldown.IsCooling(Chain.Dmr(_b), out _));
        var r = await Run();
        Assert.Equal(_a, r.Provider);
        Assert.Equal(2, _factory.CallsTo(_a));
        Assert.False(_cooldown.IsCooling(Chain.Dmr(_a), out _)); // an answer ends the cool-down
    }

    [Fact]
    public async Task Attempts_carry_the_error_id_and_how_long_each_try_took()
    {
        _factory.On(_a, Fail(new RunnerNotRunningException("off"), afterMs: 200)).On(_b, Answer("b"));
        var r = await Run();
        Assert.Equal(nameof(ErrorKind.RunnerNotRunning), r.Attempts[0].ErrorId);
        Assert.Contains("not running", r.Attempts[0].Error);
        Assert.True(r.Attempts[0].Duration >= TimeSpan.FromMilliseconds(180), $"{r.Attempts[0].Duration}");
        Assert.True(r.Attempts[1].Succeeded);
        Assert.True(r.Attempts[1].Duration > TimeSpan.Zero);
        Assert.True(r.Elapsed >= r.Attempts[0].Duration);
    }

    [Fact]
    public async Task When_every_provider_fails_one_error_lists_each_attempt()
    {
        string c = Chain.Unique("c");
        _factory.On(_a, Fail(new RunnerNotRunningException("off")))
                .On(_b, Fail(new DockerModelException(ErrorKind.ServerError, "boom")))
                .On(c, Fail(new ModelNotFoundException("ai/smollm2")));
        var e = await Assert.ThrowsAsync<AllProvidersFailedException>(() => Run(Chain.Prompt(maxRetries: 1), default, _a, _b, c));
        Assert.Equal(ErrorKind.AllProvidersFailed, e.Kind);
        Assert.Equal(new[] { _a, _b, _b, c }, e.Attempts.Select(a => a.Provider));
        Assert.Equal(new[] { "RunnerNotRunning", "ServerError", "ServerError", "ModelNotFound" }, e.Attempts.Select(a => a.ErrorId));
        foreach (var a in e.Attempts) Assert.Contains($"{a.Provider} (ai/smollm2): {a.ErrorId} after", e.Message);
    }

    [Fact]
    public async Task With_one_provider_its_own_error_surfaces()
    {
        _factory.On(_a, Fail(new RunnerNotRunningException("off")));
        var e = await Assert.ThrowsAsync<RunnerNotRunningException>(() => Run(null, default, _a));
        Assert.Contains("not running", e.Message);
    }

    [Fact]
    public async Task With_one_provider_that_stays_rate_limited_its_own_error_surfaces_after_the_retries()
    {
        _factory.On(_a, Fail(Error(nameof(ErrorKind.RateLimited))));
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(Chain.Prompt(maxRetries: 2), default, _a));
        Assert.Equal(ErrorKind.RateLimited, e.Kind);
        Assert.Equal(3, _factory.CallsTo(_a));
    }

    [Theory]
    [InlineData("HttpRequestException")]
    [InlineData("JsonException")]
    [InlineData("IOException")]
    public async Task A_low_level_failure_before_any_text_is_a_typed_error_and_falls_back(string kind)
    {
        _factory.On(_a, Fail(AnyError(kind))).On(_b, Answer("b"));
        var r = await Run(Chain.Prompt(maxRetries: 0));
        Assert.Equal(_b, r.Provider);
        Assert.Equal(nameof(ErrorKind.ServerError), r.Attempts[0].ErrorId);
    }

    [Fact]
    public async Task An_unexpected_exception_is_typed_and_stops()
    {
        _factory.On(_a, Fail(new InvalidOperationException("a bug"))).On(_b, Answer("never"));
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run());
        Assert.Equal(ErrorKind.Unknown, e.Kind);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Equal(0, _factory.CallsTo(_b));
    }

    [Fact]
    public async Task The_whole_call_time_out_during_a_retry_wait_is_a_Timeout_error()
    {
        var limited = Error(nameof(ErrorKind.RateLimited));
        limited.RetryAfter = TimeSpan.FromSeconds(20);
        _factory.On(_a, Fail(limited)).On(_b, Answer("never"));
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => Run(Chain.Prompt(timeout: TimeSpan.FromMilliseconds(500))));
        Assert.Equal(ErrorKind.Timeout, e.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Equal(0, _factory.CallsTo(_b));
    }

    [Fact]
    public async Task Cancelling_stops_without_falling_back()
    {
        _factory.On(_a, Hang()).On(_b, Answer("never"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(null, cts.Token));
        Assert.Equal(0, _factory.CallsTo(_b));
        Assert.False(_cooldown.IsCooling(Chain.Dmr(_a), out _));
    }

    // Issue 10 item 1: the answer comes from the model the user named, or not at all.
    private ProviderChain Named(string model, params LlmProvider[] rest) =>
        new(new[] { Chain.Dmr(_a, model) }.Concat(rest).ToList(), requestedModel: model);

    [Fact]
    public async Task A_named_model_that_is_not_installed_is_ModelNotFound_and_no_other_model_answers()
    {
        _factory.On(_a, Fail(new ModelNotFoundException("ai/qwen2.5"))).On(_b, Answer("from another model"));
        var e = await Assert.ThrowsAsync<ModelNotFoundException>(() =>
            new LlmRouter(_factory, _cooldown).RunAsync(Named("ai/qwen2.5", Chain.Dmr(_b)), Chain.Prompt(), _observer, default));
        Assert.Equal(ErrorKind.ModelNotFound, e.Kind);
        Assert.Contains("Install-LocalModel ai/qwen2.5", e.Message);
        Assert.Contains("-AutoPull", e.Message);
        Assert.Equal(0, _factory.CallsTo(_b));
        Assert.False(_cooldown.IsCooling(Chain.Dmr(_a, "ai/qwen2.5"), out _)); // installing it and asking again works at once
    }

    [Fact]
    public async Task A_named_model_missing_on_one_provider_may_still_come_from_another_that_has_it()
    {
        _factory.On(_a, Fail(new ModelNotFoundException("ai/qwen2.5"))).On(_b, Answer("never")).On("same", Answer("qwen ", "here"));
        var chain = Named("ai/qwen2.5", Chain.Dmr(_b), Chain.OpenAI("same", "http://127.0.0.1:9/v1", "ai/qwen2.5"));
        var r = await new LlmRouter(_factory, _cooldown).RunAsync(chain, Chain.Prompt(), _observer, default);
        Assert.Equal("same", r.Provider);
        Assert.Equal(0, _factory.CallsTo(_b));
    }

    [Fact]
    public async Task A_named_model_whose_runner_is_unavailable_still_falls_back()
    {
        _factory.On(_a, Fail(new RunnerNotRunningException("off"))).On(_b, Answer("b"));
        var r = await new LlmRouter(_factory, _cooldown).RunAsync(Named("ai/qwen2.5", Chain.Dmr(_b)), Chain.Prompt(), _observer, default);
        Assert.Equal(_b, r.Provider);
    }

    [Fact]
    public async Task A_missing_model_the_call_did_not_name_still_falls_back()
    {
        _factory.On(_a, Fail(new ModelNotFoundException("ai/smollm2"))).On(_b, Answer("b"));
        Assert.Equal(_b, (await Run()).Provider);
    }

    [Fact]
    public async Task The_response_carries_the_entry_that_answered()
    {
        _factory.On(_a, Fail(new RunnerNotRunningException("off"))).On(_b, Answer("b"));
        var r = await Run();
        Assert.NotNull(r.ProviderEntry);
        Assert.Equal(_b, r.ProviderEntry!.Name);
        Assert.Equal(LlmProviderKind.DockerModelRunner, r.ProviderEntry.Kind);
        Assert.Equal("ai/smollm2", r.ProviderEntry.Model);
    }

    // Issue 10 item 5: the cool-down is an object with its owner; its duration comes with each call.
    [Fact]
    public async Task Each_cool_down_object_is_its_own_and_takes_the_duration_of_the_call()
    {
        var other = new ProviderCooldown();
        _factory.On(_a, Fail(new RunnerNotRunningException("off"))).On(_b, Answer("b"));
        await new LlmRouter(_factory, _cooldown).RunAsync(new[] { Chain.Dmr(_a), Chain.Dmr(_b) }, Chain.Prompt(cooldown: TimeSpan.FromMinutes(10)), _observer, default);
        Assert.True(_cooldown.IsCooling(Chain.Dmr(_a), out var left));
        Assert.True(left > TimeSpan.FromMinutes(9), $"cooling {left}");
        Assert.False(other.IsCooling(Chain.Dmr(_a), out _));
        // A call with no cool-down marks nothing, whatever another call asked for before.
        await new LlmRouter(_factory, other).RunAsync(new[] { Chain.Dmr(_a), Chain.Dmr(_b) }, Chain.Prompt(cooldown: TimeSpan.Zero), _observer, default);
        Assert.False(other.IsCooling(Chain.Dmr(_a), out _));
    }
}
