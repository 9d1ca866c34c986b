using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Providers;
using Ultra.DockerModel.Tests.Providers;
using Xunit;

namespace Ultra.DockerModel.Tests.Reliability;

/// <summary>The real process path (DockerCli, pipes, DockerCliChatClient) against a fake `docker` that prints exactly the bytes a case needs.</summary>
[Trait("Category", "Reliability")]
public sealed class CliProcessReliabilityTests : IDisposable
{
    private const string Answer = "Héllo “quoted” naïve 日本語 🙂 👍🏽 done";
    private readonly FakeDocker _fake = new();

    public void Dispose() => _fake.Dispose();

    private static async Task<(string Text, List<ChatResponseUpdate> Updates)> AskAsync(DockerCli cli, string prompt = "hi", CancellationToken token = default)
    {
        using var client = new DockerCliChatClient(cli, "ai/smollm2");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(new[] { new ChatMessage(ChatRole.User, prompt) }, null, token)) updates.Add(u);
        return (string.Concat(updates.Select(u => u.Text)), updates);
    }

    [Fact]
    public async Task Every_byte_boundary_split_by_the_pipe_still_decodes_whole_characters()
    {
        // One byte per write, 20 ms apart: every multi-byte character arrives split at each of its byte boundaries.
        var cli = _fake.Stdout(Answer + "\n", chunk: 1).Build();
        var (text, updates) = await AskAsync(cli);
        Assert.Equal(Answer, text);
        Assert.DoesNotContain('\uFFFD', text);
        Assert.True(updates.Count(u => u.Text.Length > 0) > 10, "the answer should have streamed in many pieces");
        Assert.All(updates, u => Assert.DoesNotContain('\uFFFD', u.Text));
        Assert.Null(updates.Last().AdditionalProperties);
    }

    [Theory]
    [InlineData("é")]      // 2 bytes
    [InlineData("日")]     // 3 bytes
    [InlineData("🙂")]     // 4 bytes
    public async Task A_character_cut_after_each_of_its_bytes_comes_out_whole(string character)
    {
        byte[] bytes = Encoding.UTF8.GetBytes("a" + character + "b\n");
        for (int cut = 2; cut < 1 + Encoding.UTF8.GetByteCount(character); cut++)
        {
            using var fake = new FakeDocker();
            var cli = fake.Stdout(bytes[..cut], pauseSeconds: 0).Command("sleep 0.1").Stdout(bytes[cut..], pauseSeconds: 0).Build();
            var (text, _) = await AskAsync(cli);
            Assert.Equal("a" + character + "b", text);
        }
    }

    [Fact]
    public async Task An_answer_without_a_final_newline_keeps_its_last_character()
    {
        var (text, _) = await AskAsync(_fake.Stdout("no newline at all", chunk: 5).Build());
        Assert.Equal("no newline at all", text);
    }

    [Fact]
    public async Task Only_the_CLI_closing_newline_is_removed_from_an_answer_ending_in_one()
    {
        var (text, _) = await AskAsync(_fake.Stdout("ends with a newline\n\n", chunk: 3).Build());
        Assert.Equal("ends with a newline\n", text);
    }

    [Fact]
    public async Task Invalid_UTF8_is_replaced_and_counted_even_a_truncated_sequence_at_the_very_end()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("ok ").Concat(new byte[] { 0xFF, 0xFE }).Concat(Encoding.UTF8.GetBytes(" mid ")).Concat(new byte[] { 0xE6, 0x97 }).ToArray();
        var (text, updates) = await AskAsync(_fake.Stdout(bytes, chunk: 2).Build());
        Assert.StartsWith("ok \uFFFD", text);
        Assert.EndsWith(" mid \uFFFD", text);
        Assert.True(updates.Last().AdditionalProperties?["InvalidUtf8Sequences"] is int n && n >= 2);
    }

    [Fact]
    public async Task ANSI_codes_in_the_CLI_error_are_classified_and_kept_out_of_the_message()
    {
        var cli = _fake.Stderr("Docker Model Runner is not running. Please start it and try again.\n\n\u001b[1m\nWhat's next:\u001b[0m\n    Enable Docker Model Runner via the CLI → docker desktop enable model-runner\n").Build(exitCode: 1);
        var e = await Assert.ThrowsAsync<RunnerNotRunningException>(() => AskAsync(cli));
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.Contains("\u001b[1m", e.RawError);
    }

    // The preamble can reach `docker model run` only when the module skipped its `docker model inspect` (the model was
    // seen a moment ago) and the runner went away since, e.g. another DOCKER_HOST: so these runs skip the inspect.
    private static DockerCli WithModelKnown(DockerCli cli)
    {
        InstalledModels.Remember(cli, "ai/smollm2");
        return cli;
    }

    [Theory]
    [MemberData(nameof(CliAnswerHeadTests.Preambles), MemberType = typeof(CliAnswerHeadTests))]
    public async Task The_runner_auto_install_lines_before_the_answer_are_skipped_even_byte_by_byte(string form, string noise)
    {
        var (text, _) = await AskAsync(WithModelKnown(_fake.Stdout(noise + Answer + "\n", chunk: 7, pauseSeconds: 0.002).Build()));
        Assert.True(Answer == text, $"{form}: {text}");
    }

    [Theory]
    [InlineData("Status: all systems nominal.\nSecond line")]
    [InlineData("Digest: the short version\nof it")]
    [InlineData("latest: Pulling from a hat, a rabbit")]
    [InlineData("deadbeef: Waiting")]
    public async Task An_answer_that_only_looks_like_install_output_is_kept(string answer)
    {
        var (text, _) = await AskAsync(WithModelKnown(_fake.Stdout(answer + "\n", chunk: 4, pauseSeconds: 0.005).Build()));
        Assert.Equal(answer, text);
    }

    // Issue 10 item 17: the first piece is held only while it can still be docker's preamble (by docker's grammar)...
    [Fact]
    public async Task A_first_word_that_cannot_be_docker_output_is_not_held()
    {
        var cli = WithModelKnown(_fake.Stdout("Echo[2]", pauseSeconds: 0).Command("sleep 1.5").Stdout(": hi\n", pauseSeconds: 0).Build());
        await AssertFirstPieceBeforeTheSleepEnds(cli, "Echo[2]", "Echo[2]: hi");
    }

    // ...and not at all once this session has seen the runner installed (its `docker model inspect` succeeded).
    [Fact]
    public async Task Nothing_is_held_once_the_runner_is_known_installed()
    {
        var cli = _fake.Command("[ \"$2\" = inspect ] && exit 0").Stdout("Note", pauseSeconds: 0).Command("sleep 1.5").Stdout(": hi\n", pauseSeconds: 0).Build();
        await AssertFirstPieceBeforeTheSleepEnds(cli, "Note", "Note: hi");
        Assert.True(cli.Runner.IsKnownInstalled(cli));
    }

    private static async Task AssertFirstPieceBeforeTheSleepEnds(DockerCli cli, string first, string whole)
    {
        using var client = new DockerCliChatClient(cli, "ai/smollm2");
        var clock = Stopwatch.StartNew();
        TimeSpan? firstAt = null;
        var text = new StringBuilder();
        await foreach (var u in client.GetStreamingResponseAsync(new[] { new ChatMessage(ChatRole.User, "hi") }))
        {
            if (u.Text.Length > 0 && firstAt == null)
            {
                firstAt = clock.Elapsed;
                Assert.Equal(first, u.Text);
            }
            text.Append(u.Text);
        }
        Assert.Equal(whole, text.ToString());
        Assert.True(firstAt < TimeSpan.FromSeconds(1), $"the first piece came after {firstAt?.TotalMilliseconds:0} ms, with the 1.5 s pause");
    }

    [Fact]
    public void The_runner_counts_as_installed_per_endpoint_and_only_after_a_runner_command_succeeded()
    {
        var state = new RunnerInstallState();
        var cli = new DockerCli("docker", new Dictionary<string, string?> { ["MODEL_RUNNER_HOST"] = "http://127.0.0.1:1" });
        state.Observe(cli, new[] { "model", "version" }, 0);
        state.Observe(cli, new[] { "model", "inspect", "ai/x:latest" }, 1);
        Assert.False(state.IsKnownInstalled(cli));
        state.Observe(cli, new[] { "model", "ls", "--json" }, 0);
        Assert.True(state.IsKnownInstalled(cli));
        Assert.False(state.IsKnownInstalled(new DockerCli("docker", new Dictionary<string, string?> { ["MODEL_RUNNER_HOST"] = "http://127.0.0.1:2" })));
    }

    [SkippableFact]
    public async Task The_CLI_auto_pull_notice_is_a_ModelNotFound_error_and_the_download_is_stopped()
    {
        // The model was there when the module checked (inspect succeeds) but gone when run started: the CLI's own
        // auto-pull notice must still stop the download.
        var cli = _fake.Command("[ \"$2\" = inspect ] && exit 0")
            .Stdout("Unable to find model 'ai/smollm2' locally. Pulling from the server.\n").HangWithChild().Build();
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<ModelNotFoundException>(() => AskAsync(cli));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(WaitGone(_fake.ChildPid!.Value), "the CLI's child must be killed with it");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public async Task An_empty_prompt_is_refused_before_a_process_starts(string prompt)
    {
        var cli = _fake.Stdout("> ").Build();
        var e = await Assert.ThrowsAsync<DockerModelException>(() => AskAsync(cli, prompt));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Equal(0, _fake.Runs);
    }

    [Fact]
    public async Task A_prompt_naming_an_existing_file_with_at_is_refused_before_a_process_starts()
    {
        string file = Path.Combine(_fake.Folder, "notes.txt");
        File.WriteAllText(file, "secret");
        var cli = _fake.Stdout("secret").Build();
        var e = await Assert.ThrowsAsync<DockerModelException>(() => AskAsync(cli, $"summarise @{file} please"));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("-Transport Http", e.Message);
        Assert.Equal(0, _fake.Runs);
    }

    [SkippableFact]
    public async Task Cancelling_a_hung_run_kills_docker_and_its_children_at_once()
    {
        var cli = _fake.HangWithChild().Build();
        using var cancel = new CancellationTokenSource();
        var run = AskAsync(cli, token: cancel.Token);
        Assert.True(SpinWait.SpinUntil(() => _fake.ChildPid is not null, TimeSpan.FromSeconds(10)));
        var clock = Stopwatch.StartNew();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"cancellation took {clock.Elapsed}");
        Assert.True(WaitGone(_fake.ChildPid!.Value), "the grandchild must be killed with the tree");
    }

    [Fact]
    public async Task A_failing_run_is_an_error_never_an_answer_even_with_output_before_it()
    {
        var cli = _fake.Stdout("partial ans", chunk: 4).Stderr("Failed to generate a response: error reading response stream: unexpected EOF\n").Build(exitCode: 1);
        var e = await Assert.ThrowsAsync<DockerModelException>(() => AskAsync(cli));
        Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
    }

    [Fact]
    public async Task Many_concurrent_runs_all_finish_with_their_own_output()
    {
        // CliWrap 3.10.5's netstandard2.0 ExecuteAsync could miss the end of a process under this kind of load and hang.
        var cli = _fake.Command("printf 'out %s' \"$*\"").Command("printf 'err %s' \"$*\" >&2").Build(exitCode: 3);
        var all = Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < 40; i++)
            {
                var r = await cli.RunAsync(new[] { "model", $"w{worker}", $"c{i}" }, CancellationToken.None);
                Assert.Equal(3, r.ExitCode);
                Assert.Equal($"out model w{worker} c{i}", r.StandardOutput);
                Assert.Equal($"err model w{worker} c{i}", r.StandardError);
            }
        })));
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(2))));
        await all;
    }

    [Fact]
    public async Task Arguments_reach_the_process_as_a_list_with_no_shell()
    {
        string[] args = { "model", "run", "--", "a; rm -rf / | cat $(id) `id` \"q\" 'q' \\ & > <", "-rf", "", "日本 🙂", "line\nbreak" };
        var cli = _fake.Command("for a in \"$@\"; do printf '[%s]' \"$a\"; done").Build();
        var r = await cli.RunAsync(args, CancellationToken.None);
        Assert.Equal(string.Concat(args.Select(a => $"[{a}]")), r.StandardOutput);
    }

    [Fact]
    public async Task A_missing_executable_is_DockerNotInstalled()
    {
        var cli = new DockerCli(Path.Combine(_fake.Folder, "no-such-docker"));
        await Assert.ThrowsAsync<DockerNotInstalledException>(() => cli.RunAsync(new[] { "model", "ls" }, CancellationToken.None));
    }

    private static bool WaitGone(int pid) => SpinWait.SpinUntil(() => !FakeDocker.IsAlive(pid), TimeSpan.FromSeconds(3));
}
