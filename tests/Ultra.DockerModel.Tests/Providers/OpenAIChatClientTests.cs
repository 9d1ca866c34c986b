using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Providers;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;
using static Ultra.DockerModel.Tests.Providers.ProviderTestKit;

namespace Ultra.DockerModel.Tests.Providers;

/// <summary>The HTTP transport against the stand-in runner's OpenAI-compatible API (/engines/v1).</summary>
[Collection(StandInCollection.Name)]
public class OpenAIChatClientTests(StandInFixture fixture)
{
    private readonly StandInServer _s = fixture.Server;

    private OpenAIChatClient Client(string model = "ai/smollm2") => new(_s.Url + "/engines/v1", model, isDockerModelRunner: true);

    [Fact]
    public async Task The_answer_streams_as_server_sent_events_with_usage()
    {
        _s.Reset();
        _s.Configure(new { tokenDelayMs = 250 });
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("Say hi")));
        var pieces = updates.Where(u => u.Update.Text.Length > 0).ToList();

        Assert.Equal(Answer("Say hi"), Text(updates));
        Assert.True(pieces.Count >= 3);
        Assert.True(pieces[^1].At - pieces[0].At > TimeSpan.FromMilliseconds(600), "the pieces came all at once");
        Assert.Equal(ChatFinishReason.Stop, updates.Select(u => u.Update.FinishReason).Last(f => f is not null));
        var usage = Usage(updates);
        Assert.NotNull(usage);
        Assert.True(usage!.InputTokenCount > 0);
        Assert.Equal(pieces.Count, usage.OutputTokenCount); // one piece is one token in the stand-in
    }

    [Fact]
    public async Task Max_tokens_cuts_the_answer_with_finish_reason_length()
    {
        _s.Reset();
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User("Say hi"), new ChatOptions { MaxOutputTokens = 3 }));
        Assert.Equal(new ChatFinishReason("length"), updates.Select(u => u.Update.FinishReason).Last(f => f is not null));
        Assert.Equal(3, Usage(updates)!.OutputTokenCount);
        Assert.StartsWith(Text(updates), Answer("Say hi"));
        Assert.Equal(3, _s.GetRequests().Single().GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task The_system_prompt_history_and_temperature_reach_the_runner()
    {
        _s.Reset();
        ChatMessage[] messages =
        [
            new(ChatRole.System, "Be brief"),
            new(ChatRole.User, "first"),
            new(ChatRole.Assistant, "an earlier answer"),
            new(ChatRole.User, "second"),
        ];
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(messages, new ChatOptions { Temperature = 0.3f }));
        Assert.Equal(Answer("second", system: "Be brief"), Text(updates));

        var body = _s.GetRequests().Single();
        Assert.Equal("ai/smollm2", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.Equal("0.3", body.GetProperty("temperature").GetRawText());
        var sent = body.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())).ToArray();
        Assert.Equal([("system", "Be brief"), ("user", "first"), ("assistant", "an earlier answer"), ("user", "second")], sent);
    }

    [Fact]
    public async Task Every_sampling_option_reaches_the_runner_under_its_OpenAI_name()
    {
        _s.Reset();
        var options = new ChatOptions
        {
            TopP = 0.9f, TopK = 40, Seed = 1234567890123, StopSequences = ["\n\n", "END"],
            FrequencyPenalty = 0.5f, PresencePenalty = -0.25f,
        };
        await CollectAsync(Client().GetStreamingResponseAsync(User("sample"), options));
        var body = _s.GetRequests().Single();
        Assert.Equal("0.9", body.GetProperty("top_p").GetRawText());
        Assert.Equal(40, body.GetProperty("top_k").GetInt32());
        Assert.Equal(1234567890123, body.GetProperty("seed").GetInt64());
        Assert.Equal(["\n\n", "END"], body.GetProperty("stop").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("0.5", body.GetProperty("frequency_penalty").GetRawText());
        Assert.Equal("-0.25", body.GetProperty("presence_penalty").GetRawText());

        _s.Reset();
        var cut = await CollectAsync(Client().GetStreamingResponseAsync(User("cut"), new ChatOptions { StopSequences = ["Ünï"] }));
        Assert.Equal(Answer("cut")[..Answer("cut").IndexOf("Ünï", StringComparison.Ordinal)], Text(cut));

        _s.Reset();
        await CollectAsync(Client().GetStreamingResponseAsync(User("plain")));
        var plain = _s.GetRequests().Single();
        foreach (var name in new[] { "top_p", "top_k", "seed", "stop", "frequency_penalty", "presence_penalty" })
            Assert.False(plain.TryGetProperty(name, out _), $"{name} was sent though not asked for");
    }

    [Fact]
    public async Task A_prompt_reaches_the_runner_byte_for_byte_including_edge_whitespace()
    {
        _s.Reset();
        const string prompt = "  -leading dash \"q\" 'q' `b` $(x)\nline\r\n\t ";
        var updates = await CollectAsync(Client().GetStreamingResponseAsync(User(prompt)));
        Assert.Equal(Answer(prompt), Text(updates));
        Assert.Equal(prompt, _s.GetRequests().Single().GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task An_unknown_model_is_ModelNotFound_and_nothing_is_pulled()
    {
        _s.Reset();
        var e = await Assert.ThrowsAsync<ModelNotFoundException>(() => CollectAsync(Client("ai/gemma3").GetStreamingResponseAsync(User("hi"))));
        Assert.Equal("ai/gemma3", e.Model);
        Assert.Contains("Install-LocalModel", e.Message);
        Assert.Equal(0, _s.GetStats().GetProperty("pulls").GetInt64());
    }

    [Fact]
    public async Task Http_429_is_RateLimited_with_the_servers_Retry_After()
    {
        _s.Reset();
        _s.Configure(new { fault = "http-429" });
        var e = await Assert.ThrowsAsync<DockerModelException>(() => CollectAsync(Client().GetStreamingResponseAsync(User("hi"))));
        Assert.Equal(ErrorKind.RateLimited, e.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter);
        Assert.True(e.IsUnavailable);
    }

    [Fact]
    public async Task Http_503_from_the_runner_is_RunnerNotRunning()
    {
        _s.Reset();
        _s.Configure(new { fault = "not-running" });
        await Assert.ThrowsAsync<RunnerNotRunningException>(() => CollectAsync(Client().GetStreamingResponseAsync(User("hi"))));
    }

    [Theory]
    [InlineData("oom", ErrorKind.OutOfMemory)]
    [InlineData("context-too-long", ErrorKind.ContextTooLong)]
    [InlineData("http-500", ErrorKind.ServerError)]
    [InlineData("http-401", ErrorKind.AuthenticationFailed)]
    public async Task Runner_failures_map_to_their_error_kinds(string fault, ErrorKind kind)
    {
        _s.Reset();
        _s.Configure(new { fault });
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => CollectAsync(Client().GetStreamingResponseAsync(User("hi"))));
        Assert.Equal(kind, e.Kind);
        Assert.False(string.IsNullOrEmpty(e.RawError));
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
        Assert.Equal(Answer("crash please").Substring(0, 12), seen.ToString()); // 3 pieces of 4 characters
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_RunnerUnreachable()
    {
        var client = new OpenAIChatClient("http://127.0.0.1:9/engines/v1", "ai/smollm2", isDockerModelRunner: true);
        await Assert.ThrowsAsync<RunnerUnreachableException>(() => CollectAsync(client.GetStreamingResponseAsync(User("hi"))));
    }

    [Fact]
    public async Task Cancelling_a_hung_request_ends_it_and_frees_the_runner()
    {
        _s.Reset();
        _s.Configure(new { fault = "hang" });
        using var cancel = new CancellationTokenSource();
        var run = CollectAsync(Client().GetStreamingResponseAsync(User("hi")), cancel.Token);
        Assert.Equal(1, WaitForStat(_s, "activeStreams", v => v >= 1, TimeSpan.FromSeconds(10)));
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(0, WaitForStat(_s, "activeStreams", v => v == 0, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_malformed_event_is_a_typed_error_not_a_JsonException()
    {
        const string good = """{"choices":[{"index":0,"delta":{"content":"Hello"}}]}""";
        using (var server = CannedHttpServer.Sse("{not json"))
        {
            var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => CollectAsync(
                new OpenAIChatClient(server.BaseUrl, "m").GetStreamingResponseAsync(User("hi"))));
            Assert.Equal(ErrorKind.ServerError, e.Kind);
            Assert.Contains("{not json", e.RawError);
        }
        using (var server = CannedHttpServer.Sse(good, "{\"choices\": [ oops"))
        {
            var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => CollectAsync(
                new OpenAIChatClient(server.BaseUrl, "m").GetStreamingResponseAsync(User("hi"))));
            Assert.Equal(ErrorKind.StreamInterrupted, e.Kind);
        }
    }

    [Fact]
    public async Task A_non_streaming_answer_with_an_unexpected_shape_is_a_typed_error()
    {
        using var server = new CannedHttpServer("HTTP/1.1 200 OK\nContent-Type: application/json\nConnection: close\n\n{\"unexpected\":true}");
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => CollectAsync(
            new OpenAIChatClient(server.BaseUrl, "m").GetStreamingResponseAsync(User("hi"))));
        Assert.Equal(ErrorKind.ServerError, e.Kind);
    }

    // Issue 10 item 14: an error that stops the chain says whose it is and where; a 404 tells a missing model from a wrong URL.
    private static async Task<DockerModelException> Answered(string status, string body, string model = "gpt-4o-mini", string contentType = "application/json")
    {
        using var server = new CannedHttpServer($"HTTP/1.1 {status}\nContent-Type: {contentType}\nConnection: close\n\n{body}");
        var client = new OpenAIChatClient(server.BaseUrl, model, providerName: "backup");
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => CollectAsync(client.GetStreamingResponseAsync(User("hi"))));
        Assert.Contains($"Provider 'backup' at {server.BaseUrl}", e.Message);
        return e;
    }

    [Theory]
    [InlineData("401 Unauthorized", """{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}""", ErrorKind.AuthenticationFailed)]
    [InlineData("403 Forbidden", """{"error":{"message":"forbidden"}}""", ErrorKind.AuthenticationFailed)]
    [InlineData("400 Bad Request", """{"error":{"message":"'messages' must contain at least one message","type":"invalid_request_error"}}""", ErrorKind.InvalidInvocation)]
    public async Task An_error_that_stops_the_chain_names_the_provider_and_its_endpoint(string status, string body, ErrorKind kind)
    {
        var e = await Answered(status, body);
        Assert.Equal(kind, e.Kind);
        Assert.False(e.IsUnavailable);
    }

    [Theory]
    [InlineData("""{"error":{"message":"The model `gpt-4o-mini` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}""")]
    [InlineData("""{"error":{"message":"model \"gpt-4o-mini\" not found, try pulling it first","type":"api_error"}}""")]
    public async Task A_404_about_the_model_is_ModelNotFound(string body)
    {
        var e = await Answered("404 Not Found", body);
        Assert.Equal(ErrorKind.ModelNotFound, e.Kind);
        Assert.Contains("does not serve model 'gpt-4o-mini'", e.Message);
    }

    [Theory]
    [InlineData("404 page not found", "text/plain; charset=utf-8")]
    [InlineData("""{"error":{"message":"Invalid URL (POST /v1/models/chat/completions)","type":"invalid_request_error"}}""", "application/json")]
    public async Task A_404_for_the_path_says_the_Endpoint_is_wrong(string body, string contentType)
    {
        var e = await Answered("404 Not Found", body, contentType: contentType);
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("the Endpoint is wrong", e.Message);
        Assert.DoesNotContain("does not serve model", e.Message);
    }

    [Fact]
    public async Task The_runner_at_a_wrong_address_says_so_and_an_uninstalled_model_stays_ModelNotFound()
    {
        _s.Reset();
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => CollectAsync(
            new OpenAIChatClient(_s.Url + "/wrong/v1", "ai/smollm2", isDockerModelRunner: true).GetStreamingResponseAsync(User("hi"))));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("not Docker Model Runner's API", e.Message);
        Assert.Contains("MODEL_RUNNER_HOST", e.Message);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => CollectAsync(Client("ai/gemma3").GetStreamingResponseAsync(User("hi"))));
    }

    // Issue 10 item 13 over HTTP.
    [Fact]
    public async Task A_backend_that_took_too_long_to_initialize_is_a_Timeout()
    {
        _s.Reset();
        _s.Configure(new { fault = "backend-load-timeout" });
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(() => CollectAsync(Client().GetStreamingResponseAsync(User("hi"))));
        Assert.Equal(ErrorKind.Timeout, e.Kind);
        Assert.Contains("inference backend took too long to initialize", e.RawError);
    }
}
