using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Ultra.DockerModel.Tests.Docker;

/// <summary>The process runner under docker: streams, exit codes, quoting, cancellation and many runs at once (sh stands in for docker).</summary>
public class DockerCliTests
{
    private static DockerCli Sh() => new("sh");

    private const string NoSh = "needs a POSIX sh to stand in for docker (not on Windows)";

    [SkippableFact]
    public async Task Both_streams_and_the_exit_code_come_back()
    {
        Skip.If(OperatingSystem.IsWindows(), NoSh);
        var r = await Sh().RunAsync(["-c", "printf 'out é\\n'; printf 'err ✓' >&2; exit 3"], CancellationToken.None);
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out é\n", r.StandardOutput);
        Assert.Equal("err ✓", r.StandardError);
    }

    [SkippableFact]
    public async Task Stdin_is_closed_at_once_or_carries_the_given_text()
    {
        Skip.If(OperatingSystem.IsWindows(), NoSh);
        var empty = await Sh().RunAsync(["-c", "cat; echo end"], CancellationToken.None);
        Assert.Equal("end\n", empty.StandardOutput);

        string text = "long « prompt » 🙂\n" + new string('x', 200_000);
        string seen = "";
        await Sh().RunStreamAsync(["-c", "cat"], async (s, _) => seen = await new StreamReader(s).ReadToEndAsync(), CancellationToken.None, text);
        Assert.Equal(text, seen);
    }

    [SkippableFact]
    public async Task Lines_are_handed_over_one_by_one()
    {
        Skip.If(OperatingSystem.IsWindows(), NoSh);
        var lines = new List<string>();
        var r = await Sh().RunLinesAsync(["-c", "printf 'a\\nb\\r\\nc'"], lines.Add, CancellationToken.None);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["a", "b", "c"], lines);
    }

    [SkippableFact]
    public async Task Cancelling_kills_the_child_and_returns_at_once()
    {
        Skip.If(OperatingSystem.IsWindows(), NoSh);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sh().RunAsync(["-c", "sleep 30"], cts.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_missing_executable_is_DockerNotInstalled()
    {
        await Assert.ThrowsAsync<DockerNotInstalledException>(() => new DockerCli("no-such-docker-" + Guid.NewGuid().ToString("N")).RunAsync(["model"], CancellationToken.None));
    }

    // The runner CliWrap's netstandard2.0 build provided could lose a wake-up when a pipe and the process ended at the
    // same moment, and hang for ever; this one must finish every run however many run at once.
    [SkippableFact]
    public async Task Many_runs_at_once_all_finish()
    {
        Skip.If(OperatingSystem.IsWindows(), NoSh);
        var cli = Sh();
        var runs = Enumerable.Range(0, 200).Select(i => cli.RunAsync(["-c", $"echo {i}; echo e{i} >&2"], CancellationToken.None)).ToList();
        var all = Task.WhenAll(runs);
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(90))));
        var results = await all;
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal($"{i}\n", results[i].StandardOutput);
            Assert.Equal($"e{i}\n", results[i].StandardError);
        }
    }

    [SkippableTheory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("quote \" inside")]
    [InlineData("trailing backslash \\")]
    [InlineData("backslashes \\\\\" and quote")]
    [InlineData("C:\\path\\to\\file")]
    [InlineData("new\nline\ttab")]
    [InlineData("-- --color no $(echo hi) `x` ; | & 'single'")]
    public void The_quoted_command_line_splits_back_into_the_same_arguments(string argument)
    {
        // .NET splits ProcessStartInfo.Arguments on Unix by the Windows rules (CommandLineToArgvW), so a child that prints
        // its argv checks the quoting used where ArgumentList does not exist (Windows PowerShell 5.1).
        Skip.If(OperatingSystem.IsWindows(), NoSh);
        var args = new[] { "-c", "for a in \"$@\"; do printf '%s\\0' \"$a\"; done", "sh", "first", argument, "last" };
        var psi = new ProcessStartInfo("sh") { Arguments = CommandLine.Join(args), RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(new[] { "first", argument, "last" }, output.Split('\0')[..^1]);
    }
}
