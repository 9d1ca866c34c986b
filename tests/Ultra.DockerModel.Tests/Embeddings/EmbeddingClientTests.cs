using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Providers;
using Ultra.DockerModel.Tests.Routing;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;

namespace Ultra.DockerModel.Tests.Embeddings;

/// <summary>The OpenAI-compatible embeddings client against the stand-in's /engines/v1/embeddings and a loopback server.</summary>
[Collection(StandInCollection.Name)]
public sealed class EmbeddingClientTests
{
    private readonly StandInServer _s;

    public EmbeddingClientTests(StandInFixture fixture)
    {
        _s = fixture.Server;
        _s.Reset();
    }

    private OpenAIEmbeddingClient Runner(string model = "ai/smollm2") => new(_s.Url + "/engines/v1", model, isDockerModelRunner: true);

    [Fact]
    public async Task A_batch_is_one_request_and_gives_one_vector_per_input_in_order()
    {
        string[] texts = ["the cat sat on the mat", "a cat on a mat", "quarterly invoice totals"];
        var result = await Runner().GenerateAsync(texts);

        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal(384, e.Vector.Length));
        Assert.Single(_s.GetRequests());
        Assert.Equal(3, _s.GetRequests()[0].GetProperty("input").GetArrayLength());
        var v = result.Select(e => e.Vector.ToArray()).ToArray();
        Assert.Equal(1.0, LlmEmbedding.Cosine(v[0], v[0]), 5);
        Assert.True(LlmEmbedding.Cosine(v[0], v[1]) > LlmEmbedding.Cosine(v[0], v[2]), "texts sharing words should be closer");
        Assert.NotNull(result.Usage?.InputTokenCount);

        var again = await Runner().GenerateAsync(texts.Take(1));
        Assert.Equal(v[0], again[0].Vector.ToArray()); // deterministic
    }

    [Fact]
    public async Task A_model_that_is_not_installed_is_ModelNotFound()
    {
        var e = await Assert.ThrowsAsync<ModelNotFoundException>(() => Runner("ai/gemma3").GenerateAsync(["x"]));
        Assert.Equal("ai/gemma3", e.Model);
    }

    [Fact]
    public async Task Transient_server_errors_keep_their_kind()
    {
        _s.Configure(new { fault = "http-429" });
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Runner().GenerateAsync(["x"]));
        Assert.Equal(ErrorKind.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter);
    }

    [Fact]
    public async Task Another_server_gets_dimensions_and_its_answer_is_put_back_in_input_order()
    {
        using var server = new LoopbackOpenAIServer
        {
            Respond = r => LoopbackOpenAIServer.Json(r,
                "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":1,\"embedding\":[0,1]},{\"object\":\"embedding\",\"index\":0,\"embedding\":[1,0]}]}"),
        };
        var client = new OpenAIEmbeddingClient(server.BaseUrl, "text-embedding-3-small");
        var result = await client.GenerateAsync(["first", "second"], new EmbeddingGenerationOptions { Dimensions = 2 });

        Assert.Equal([1f, 0f], result[0].Vector.ToArray());
        Assert.Equal([0f, 1f], result[1].Vector.ToArray());
        var (path, body) = Assert.Single(server.Bodies);
        Assert.Equal("/v1/embeddings", path);
        Assert.Contains("\"dimensions\":2", body);
    }

    [Fact]
    public async Task An_answer_with_too_few_vectors_is_a_server_error_with_the_raw_body()
    {
        using var server = new LoopbackOpenAIServer { Respond = r => LoopbackOpenAIServer.Json(r, "{\"data\":[{\"index\":0,\"embedding\":[1]}]}") };
        var e = await Assert.ThrowsAsync<DockerModelException>(() => new OpenAIEmbeddingClient(server.BaseUrl, "m").GenerateAsync(["a", "b"]));
        Assert.Equal(ErrorKind.ServerError, e.Kind);
        Assert.Contains("\"embedding\":[1]", e.RawError);
    }
}
