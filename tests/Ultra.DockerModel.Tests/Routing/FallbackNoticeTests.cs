using System;
using Ultra.DockerModel.Routing;
using Xunit;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>Issue 10 item 2: one line whenever someone else than the first provider tried gave the answer.</summary>
public sealed class FallbackNoticeTests
{
    private static LlmAttempt Failed(string provider, string model, string errorId) =>
        new() { Provider = provider, Model = model, ErrorId = errorId, Error = "long detail" };

    private static LlmAttempt Answered(string provider, string model) => new() { Provider = provider, Model = model, Succeeded = true };

    [Fact]
    public void Says_who_failed_why_and_who_answered_on_one_line()
    {
        string? notice = FallbackNotice.For(new[] { Failed("local", "ai/smollm2", "RunnerNotRunning"), Answered("backup", "gpt-4o-mini") });
        Assert.Equal("'local' (ai/smollm2) failed (RunnerNotRunning), so 'backup' (gpt-4o-mini) answered. The response's Attempts say more.", notice);
    }

    [Fact]
    public void Names_each_provider_that_did_not_answer_once_and_a_cool_down_skip_as_such()
    {
        string? notice = FallbackNotice.For(new[]
        {
            Failed("local", "ai/smollm2", LlmRouter.CooledDown),
            Failed("mid", "m", "ServerError"), Failed("mid", "m", "ServerError"), Failed("mid", "m", "Timeout"),
            Answered("backup", "gpt-4o-mini"),
        });
        Assert.Equal("'local' (ai/smollm2) was skipped (unavailable moments ago, cool-down), 'mid' (m) failed (Timeout), so 'backup' (gpt-4o-mini) answered. The response's Attempts say more.", notice);
        Assert.DoesNotContain("\n", notice);
    }

    [Fact]
    public void Another_model_of_the_same_provider_is_another_answerer()
    {
        Assert.NotNull(FallbackNotice.For(new[] { Failed("local", "ai/qwen2.5", "RunnerNotRunning"), Answered("local", "ai/smollm2") }));
    }

    [Fact]
    public void Is_silent_when_the_first_provider_answered_even_after_retries_or_a_pull()
    {
        Assert.Null(FallbackNotice.For(new[] { Answered("local", "ai/smollm2") }));
        Assert.Null(FallbackNotice.For(new[] { Failed("backup", "m", "RateLimited"), Failed("backup", "m", "ModelNotFound"), Answered("backup", "m") }));
        Assert.Null(FallbackNotice.For(Array.Empty<LlmAttempt>()));
    }
}
