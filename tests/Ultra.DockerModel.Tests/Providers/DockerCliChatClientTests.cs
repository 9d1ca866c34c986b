using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Providers;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;
using static Ultra.DockerModel.Tests.Providers.ProviderTestKit;

namespace Ultra.DockerModel.Tests.Providers;

/// <summary>
/// The CLI transport end to end: the module's client runs the real `docker` client, which runs the stand-in
/// `docker model` plugin, which talks to the stand-in runner.
/// </summary>
[Collection(StandInCollection.Name)]
public class DockerCliChatClientTests(StandInFixture fixture)
{
    private readonly StandInServer _s = fixture.Server;

    private DockerCliChatClient Client(string model = "ai/smollm2") => new(Cli(_s), model);

    [Fact]
    public async Task Pieces_arrive_while_the_model_is_still_generating()
    {
        _s.Reset();
        _s.Configure(new { tokenDelayMs = 250 });
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("Say hi")));

        var pieces = updates.Where(u => u.Update.Text.Length > 0).ToList();
        Assert.Equal(Answer("Say hi"), Text(updates));
        Assert.True(pieces.Count >= 3, $"expected the answer in several pieces, got {pieces.Count}");
        // About 10 pieces 250 ms apart: the first must be in hand long before the last was generated.
        Assert.True(pieces[^1].At - pieces[0].At > TimeSpan.FromMilliseconds(600),
            $"first piece at {pieces[0].At.TotalMilliseconds:0} ms, last at {pieces[^1].At.TotalMilliseconds:0} ms: not streamed");
        Assert.Equal(ChatFinishReason.Stop, updates[^1].Update.FinishReason);
    }

    [Fact]
    public async Task The_final_newline_is_removed_and_inner_newlines_and_lookalike_trailers_are_kept()
    {
        _s.Reset();
        const string prompt = "first line\n\nToken usage: 1 prompt + 2 completion = 3 total\nlast line";
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User(prompt)));
        Assert.Equal(Answer(prompt), Text(updates));
        Assert.Null(Usage(updates));
    }

    [Fact]
    public async Task The_token_usage_trailer_is_stripped_and_its_counts_match_the_http_usage()
    {
        _s.Reset();
        _s.Configure(new { alwaysSendUsage = true, tokenDelayMs = 5 });
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("Count me")));
        Assert.Equal(Answer("Count me"), Text(updates));
        Assert.DoesNotContain(updates, u => u.Update.Text.Contains("Token", StringComparison.Ordinal) || u.Update.Text.EndsWith('\n'));
        var cli = Usage(updates);
        Assert.NotNull(cli);

        // The runner's own count for the same request, over HTTP.
        var http = Usage(await CollectAsync(new OpenAIChatClient(_s.Url + "/engines/v1", "ai/smollm2", isDockerModelRunner: true)
            .GetStreamingResponseAsync(User("Count me"))));
        Assert.NotNull(http);
        Assert.Equal(http!.InputTokenCount, cli!.InputTokenCount);
        Assert.Equal(http.OutputTokenCount, cli.OutputTokenCount);
        Assert.True(cli.OutputTokenCount > 5);
    }

    [Fact]
    public async Task A_legacy_cli_that_rejects_color_is_run_again_without_it()
    {
        _s.Reset();
        _s.Configure(new { cliVersion = "legacy" });
        var client = Client();
        Assert.Equal(Answer("old cli"), Text(await CollectAsync(client.GetStreamingResponseAsync(User("old cli")))));
        Assert.Single(_s.GetRequests()); // the rejected first run never reached the runner
        Assert.Equal(Answer("again"), Text(await CollectAsync(Client().GetStreamingResponseAsync(User("again")))));

        // The same docker client against a current CLI keeps working.
        _s.Configure(new { cliVersion = "head" });
        Assert.Equal(Answer("new cli"), Text(await CollectAsync(Client().GetStreamingResponseAsync(User("new cli")))));
    }

    [Fact]
    public async Task A_model_that_is_not_installed_is_ModelNotFound_and_is_not_pulled()
    {
        _s.Reset(installed: ["ai/smollm2"]);
        var e = await Assert.ThrowsAsync<ModelNotFoundException>(() => CollectAsync(Client("ai/gemma3").GetStreamingResponseAsync(User("hi"))));
        Assert.Contains("Install-LocalModel ai/gemma3", e.Message);

        await Task.Delay(500); // a download the CLI started would still be running now
        Assert.Equal(0, _s.GetStats().GetProperty("pulls").GetInt64());
        Assert.Empty(_s.GetRequests());
        using var http = new HttpClient();
        var inspect = await http.GetAsync(_s.Url + "/models/ai/gemma3");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, inspect.StatusCode);
    }

    [Fact]
    public async Task A_model_removed_after_it_was_used_is_still_not_pulled()
    {
        _s.Reset(installed: ["ai/smollm2", "ai/gemma3"]);
        Assert.Equal(Answer("hi"), Text(await CollectAsync(Client("ai/gemma3").GetStreamingResponseAsync(User("hi")))));
        var docker = new DockerModelClient(Cli(_s));
        var gemma = (await docker.ListAsync(CancellationToken.None)).Single(m => m.Name == "ai/gemma3:latest");
        await docker.RemoveAsync(ModelRemoval.WholeModel(gemma), CancellationToken.None);

        await Assert.ThrowsAsync<ModelNotFoundException>(() => CollectAsync(Client("ai/gemma3").GetStreamingResponseAsync(User("hi"))));
        Assert.Equal(0, _s.GetStats().GetProperty("pulls").GetInt64());
    }

    [Fact]
    public async Task A_character_split_across_two_writes_comes_out_whole()
    {
        _s.Reset();
        _s.Configure(new { splitUtf8Writes = true, tokenDelayMs = 2 });
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("naïve café 日本")));
        string text = Text(updates);
        Assert.Equal(Answer("naïve café 日本"), text);
        Assert.DoesNotContain('\uFFFD', text);
    }

    [Fact]
    public async Task Invalid_bytes_become_replacement_characters_and_are_counted()
    {
        _s.Reset();
        _s.Configure(new { fault = "invalid-utf8" });
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("bad bytes")));
        Assert.Contains('\uFFFD', Text(updates));
        Assert.EndsWith("done.", Text(updates));
        var final = updates[^1].Update;
        Assert.True(final.AdditionalProperties?.ContainsKey("InvalidUtf8Sequences"));
    }

    [Fact]
    public async Task A_crash_mid_stream_is_StreamInterrupted_after_the_pieces_already_sent()
    {
        _s.Reset();
        _s.Configure(new { fault = "crash-mid-stream", crashAfterPieces = 3 });
        var seen = new System.Text.StringBuilder();
        var e = await Assert.ThrowsAsync<DockerModelException>(async () =>
        {
            await foreach (var u in Client().GetStreamingResponseAsync(User("crash please"))) seen.Append(u.Text);
        });
        Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
        Assert.StartsWith("You said", seen.ToString());
        Assert.Contains("unexpected EOF", e.RawError);
    }

    [SkippableFact]
    public async Task Cancelling_a_hung_run_kills_docker_and_the_plugin()
    {
        _s.Reset();
        _s.Configure(new { fault = "hang" });
        string marker = "marker-" + Guid.NewGuid().ToString("N");
        using var cancel = new CancellationTokenSource();
        var run = CollectAsync(Client().GetStreamingResponseAsync(User("hang " + marker)), cancel.Token);

        // Wait until the request is at the runner, so both processes are certainly running.
        Assert.Equal(1, WaitForStat(_s, "activeStreams", v => v >= 1, TimeSpan.FromSeconds(20)));
        Assert.NotEmpty(ProcessesWithArgument(marker));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(WaitForNoProcess(marker, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, WaitForStat(_s, "activeStreams", v => v == 0, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_prompt_with_quotes_newlines_substitutions_and_a_leading_dash_reaches_the_runner_unchanged()
    {
        _s.Reset();
        const string prompt = "--help -m \"double\" 'single' `back` $(whoami) ${HOME} $HOME; rm -rf / | cat > x & echo\nline two\r\n\ttabbed %PATH% \\ é 日本 🙂";
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User(prompt)));
        Assert.Equal(Answer(prompt), Text(updates));
        var sent = _s.GetRequests().Single().GetProperty("messages")[0].GetProperty("content").GetString();
        Assert.Equal(prompt, sent);
    }

    [Fact]
    public async Task A_prompt_too_long_for_a_command_line_goes_through_stdin_unchanged()
    {
        _s.Reset();
        string prompt = "start " + string.Concat(Enumerable.Repeat("ünïcödé 日本 🙂 \"q\" $(x) ", 1500)) + "end";
        Assert.True(prompt.Length > 30000);
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User(prompt)));
        Assert.Equal(Answer(prompt), Text(updates));
    }

    [Fact]
    public async Task A_stopped_runner_is_RunnerNotRunning()
    {
        _s.Reset();
        _s.Configure(new { fault = "not-running" });
        await Assert.ThrowsAsync<RunnerNotRunningException>(() => CollectAsync(Client().GetStreamingResponseAsync(User("hi"))));
    }

    [Fact]
    public async Task Options_the_cli_cannot_carry_are_refused_not_dropped()
    {
        _s.Reset();
        var e = await Assert.ThrowsAsync<DockerModelException>(() => CollectAsync(Client().GetStreamingResponseAsync(
            [new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hi")])));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        e = await Assert.ThrowsAsync<DockerModelException>(() => CollectAsync(Client().GetStreamingResponseAsync(User("hi"), new ChatOptions { Temperature = 0.2f })));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Empty(_s.GetRequests());
    }
}
