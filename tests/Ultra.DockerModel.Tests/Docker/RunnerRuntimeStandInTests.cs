using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;
using static Ultra.DockerModel.Tests.Providers.ProviderTestKit;

namespace Ultra.DockerModel.Tests.Docker;

/// <summary>
/// `docker model ps`, `unload`, `configure` and `df` through the real docker client and the stand-in plugin: the
/// plugin prints upstream's exact texts (cmd/cli/commands/{ps,unload,configure,df}.go) and the adapter reads them.
/// </summary>
[Collection(StandInCollection.Name)]
public class RunnerRuntimeStandInTests(StandInFixture fixture)
{
    private readonly StandInServer _s = fixture.Server;

    private DockerModelClient Docker() => new(Cli(_s));

    private async Task<CliResult> Run(params string[] args) => await Cli(_s).RunAsync(new[] { "model" }.Concat(args).ToList(), CancellationToken.None);

    private async Task Chat(string model) => await Run("run", "--color", "no", model, "hi");

    [Fact]
    public async Task Ps_prints_upstreams_table_and_the_adapter_reads_it()
    {
        _s.Reset();
        var empty = await Run("ps");
        Assert.Equal("MODEL NAME  BACKEND  MODE  UNTIL  \n", empty.StandardOutput);
        await Chat("ai/smollm2");
        var ps = await Run("ps");
        Assert.Matches(@"^MODEL NAME  BACKEND    MODE        UNTIL\s+\nsmollm2     llama\.cpp  completion  \d+ minutes from now  \n$", ps.StandardOutput);

        var loaded = Assert.Single(await Docker().ListLoadedAsync(CancellationToken.None));
        Assert.Equal("ai/smollm2:latest", loaded.Name);
        Assert.Equal("llama.cpp", loaded.Backend);
        Assert.Equal("completion", loaded.Mode);
        Assert.EndsWith("minutes from now", loaded.Until);
    }

    [Fact]
    public async Task Unload_prints_each_of_upstreams_messages_and_its_argument_errors()
    {
        _s.Reset();
        Assert.Equal("No models are running.\n", (await Run("unload", "--all")).StandardOutput);
        Assert.Equal("No such model(s) running.\n", (await Run("unload", "ai/smollm2")).StandardOutput);
        await Chat("ai/smollm2");
        Assert.Equal("Unloaded 1 model(s).\n", (await Run("stop", "smollm2")).StandardOutput);

        var both = await Run("unload", "--all", "ai/smollm2");
        Assert.Equal(1, both.ExitCode);
        Assert.Equal("'docker model unload' does not take MODEL when --all is specified.\n\n" +
            "Usage:  docker model unload (MODEL [MODEL ...] [--backend BACKEND] | --all)\n\n" +
            "See 'docker model unload --help' for more information.\n", both.StandardError);
        var none = await Run("unload");
        Assert.StartsWith("'docker model unload' requires MODEL unless --all is specified.\n", none.StandardError);

        await Chat("ai/smollm2");
        await Chat("ai/llama3.2");
        Assert.Equal(2, await Docker().UnloadAsync(null, CancellationToken.None));
        Assert.Empty(await Docker().ListLoadedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Configure_prints_nothing_stores_the_settings_and_show_prints_them_with_one_space_indent()
    {
        _s.Reset();
        var set = await Run("configure", "--context-size", "8192", "--keep-alive", "90m", "ai/smollm2", "--", "--threads", "2");
        Assert.Equal((0, "", ""), (set.ExitCode, set.StandardOutput, set.StandardError));
        var show = await Run("configure", "show", "smollm2");
        Assert.Equal("[\n {\n  \"Backend\": \"llama.cpp\",\n  \"Model\": \"ai/smollm2:latest\",\n" +
            "  \"ModelID\": \"sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9\",\n  \"Mode\": \"completion\",\n" +
            "  \"Config\": {\n   \"context-size\": 8192,\n   \"runtime-flags\": [\n    \"--threads\",\n    \"2\"\n   ],\n" +
            "   \"keep_alive\": \"1h30m0s\"\n  }\n }\n]\n", show.StandardOutput);

        await Docker().ConfigureAsync("ai/llama3.2", new ModelConfigurationChange { KeepAlive = GoDuration.Forever, Reasoning = true }, CancellationToken.None);
        var all = await Docker().GetConfigurationsAsync(null, CancellationToken.None);
        var llama = Assert.Single(all, c => c.Name == "ai/llama3.2:latest");
        Assert.Equal(GoDuration.Forever, llama.KeepAlive);
        Assert.True(llama.Reasoning);
        Assert.Equal(TimeSpan.FromMinutes(90), Assert.Single(all, c => c.Name == "ai/smollm2:latest").KeepAlive);
    }

    [Fact]
    public async Task Configure_errors_are_printed_as_upstream_prints_them_and_classified()
    {
        _s.Reset();
        var flag = await Run("configure", "ai/smollm2", "--", "--log-file", "x");
        Assert.Equal("runtime flag \"--log-file\" is not allowed for backend \"llama.cpp\"\n (500 Internal Server Error)\n", flag.StandardError);
        Assert.Equal("invalid mode \"bogus\": must be one of completion, embedding, reranking, image-generation\n",
            (await Run("configure", "--mode", "bogus", "ai/smollm2")).StandardError);
        Assert.Equal("Exactly one model must be specified, got 2: [a b]\n\nSee 'docker model configure --help' for more information\n",
            (await Run("configure", "a", "b")).StandardError);
        var e = await Assert.ThrowsAsync<DockerModelException>(() =>
            Docker().ConfigureAsync("ai/smollm2", new ModelConfigurationChange { RuntimeFlags = new[] { "--log-file=/etc/passwd" } }, CancellationToken.None));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);

        _s.Configure(new { fault = "not-running" });
        var down = await Assert.ThrowsAsync<RunnerNotRunningException>(() =>
            Docker().ConfigureAsync("ai/smollm2", new ModelConfigurationChange { ContextSize = 4096 }, CancellationToken.None));
        Assert.Equal("service unavailable\n", down.RawError);
    }

    [Fact]
    public async Task A_busy_model_is_neither_unloaded_nor_reconfigured()
    {
        _s.Reset();
        _s.Configure(new { tokenDelayMs = 200, answerBytes = 20000 });
        using var stop = new CancellationTokenSource();
        var busy = Cli(_s).RunAsync(new[] { "model", "run", "--color", "no", "ai/smollm2", "keep busy" }, stop.Token);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (_s.GetStats().GetProperty("activeStreams").GetInt64() < 1 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(0, await Docker().UnloadAsync("ai/smollm2", CancellationToken.None));
            var e = await Assert.ThrowsAsync<DockerModelException>(() =>
                Docker().ConfigureAsync("ai/smollm2", new ModelConfigurationChange { ContextSize = 4096 }, CancellationToken.None));
            Assert.Equal(ErrorKind.ModelInUse, e.Kind);
            Assert.Equal("runner already active\n\n", e.RawError);
        }
        finally
        {
            stop.Cancel();
            try { await busy; } catch (OperationCanceledException) { }
        }
    }

    [Fact]
    public async Task The_2025_cli_forms_are_printed_and_read()
    {
        _s.Reset();
        await Chat("ai/smollm2");
        _s.Configure(new { cliVersion = "legacy" });
        var ps = await Run("ps");
        Assert.Matches(@"^MODEL NAME  BACKEND    MODE        LAST USED\s+\nai/smollm2  llama\.cpp  completion  .+ ago\s+\n$", ps.StandardOutput);
        Assert.Equal("ai/smollm2:latest", Assert.Single(await Docker().ListLoadedAsync(CancellationToken.None)).Name);
        Assert.Contains("docker model COMMAND", (await Run("stop", "smollm2")).StandardOutput); // no stop alias: root help
        var think = await Run("configure", "--think", "ai/smollm2");
        Assert.StartsWith("unknown flag: --think\n", think.StandardError);
    }

    [Fact]
    public async Task Df_prints_decimal_sizes_and_the_adapter_reads_them()
    {
        _s.Reset();
        var df = await Run("df");
        Assert.Matches(@"^TYPE              SIZE\s+\nModels            \d+\.\d\d[kMG]B\s+\nInference engine  45\.12MB  \n$", df.StandardOutput);
        var (models, engine) = await Docker().GetDiskUsageAsync(CancellationToken.None);
        Assert.True(models > 100_000_000, $"models: {models}");
        Assert.Equal(45_120_000, engine);
    }
}
