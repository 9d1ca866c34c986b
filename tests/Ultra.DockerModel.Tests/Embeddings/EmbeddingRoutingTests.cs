using System;
using System.Linq;
using System.Threading.Tasks;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Tests.Routing;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;

namespace Ultra.DockerModel.Tests.Embeddings;

/// <summary>Embeddings go down the chain under the router's rules: retry, fall back, cool down, never the CLI.</summary>
[Collection(RoutingCollection.Name)]
public sealed class EmbeddingRoutingTests
{
    private readonly StandInServer _local;
    private readonly StandInServer _backup;
    private readonly RecordingObserver _observer = new();
    private readonly ProviderCooldown _cooldown = new();

    public EmbeddingRoutingTests(RoutingStandIns standIns)
    {
        _local = standIns.Local;
        _backup = standIns.Backup;
        _local.Reset();
        _backup.Reset();
    }

    private LlmRouter Router => new(new ChatClientFactory(new DockerModelClient(new DockerCli(environment: _local.Environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value)))), _cooldown);

    private LlmProvider Local => Chain.Dmr(Chain.Unique("local"));

    private LlmProvider Backup => Chain.OpenAI(Chain.Unique("backup"), _backup.Url + "/v1");

    private Task<EmbeddingResult> Embed(params LlmProvider[] chain) =>
        Router.EmbedAsync(new ProviderChain(chain), new[] { "alpha", "beta" }, null, Chain.Prompt(), _observer, default);

    [Fact]
    public async Task The_local_runner_answers_over_its_HTTP_API()
    {
        var result = await Embed(Local);
        Assert.Equal(new[] { "alpha", "beta" }, result.Embeddings.Select(e => e.Text));
        Assert.All(result.Embeddings, e => Assert.Equal(384, e.Dimensions));
        Assert.Equal("ai/smollm2", result.Embeddings[0].Model);
        Assert.True(Assert.Single(result.Attempts).Succeeded);
        Assert.Equal(2, _local.GetRequests()[0].GetProperty("input").GetArrayLength());
    }

    [Fact]
    public async Task A_stopped_runner_falls_back_and_is_cooled_down()
    {
        _local.Configure(new { fault = "not-running" });
        var local = Local;
        var backup = Backup;
        var result = await Embed(local, backup);
        Assert.Equal(backup.Name, result.Embeddings[0].Provider);
        Assert.Equal("RunnerNotRunning", result.Attempts[0].ErrorId);
        Assert.True(_cooldown.IsCooling(local, out _));
    }

    [Fact]
    public async Task A_rate_limit_is_retried_on_the_same_provider()
    {
        _backup.Configure(new { fault = "http-429", faultCount = 1 });
        var result = await Router.EmbedAsync(new ProviderChain(new[] { Backup }), new[] { "x" }, null,
            Chain.Prompt() with { MaxRetryAfter = TimeSpan.FromSeconds(5) }, _observer, default);
        Assert.Equal(2, result.Attempts.Count);
        Assert.Equal("RateLimited", result.Attempts[0].ErrorId);
        Assert.Single(result.Embeddings);
    }

    [Fact]
    public async Task The_CLI_transport_is_refused_and_nothing_falls_back_from_a_bad_invocation()
    {
        var cli = Local;
        cli.Transport = LlmTransport.Cli;
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Embed(cli, Backup));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Empty(_backup.GetRequests());
    }
}
