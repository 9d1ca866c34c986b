using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Structured;
using Ultra.DockerModel.Tests.Routing;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;

namespace Ultra.DockerModel.Tests.Structured;

/// <summary>-Schema and -AsJson in Core against the stand-in's response_format: valid, invalid then retried, invalid twice.</summary>
[Collection(StandInCollection.Name)]
public sealed class StructuredOutputTests
{
    public const string InvoiceSchema =
        "{\"type\":\"object\",\"properties\":{\"number\":{\"type\":\"string\"},\"total\":{\"type\":\"number\"}},\"required\":[\"number\",\"total\"]}";

    private readonly StandInServer _s;
    private readonly RecordingObserver _observer = new();

    public StructuredOutputTests(StandInFixture fixture)
    {
        _s = fixture.Server;
        _s.Reset();
    }

    private LlmProvider Http => Chain.OpenAI(Chain.Unique("runner"), _s.Url + "/engines/v1");

    private ChatClientFactory Factory => new(new DockerModelClient(new DockerCli(environment: _s.Environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value))));

    private Task<StructuredAnswer> Ask(OutputSchema schema, int retries = 1, params LlmProvider[] chain)
    {
        var request = Chain.Prompt("Invoice 2024-17, total 99.50 EUR") with { Schema = schema };
        var router = new LlmRouter(Factory);
        return StructuredCall.RunAsync(new ProviderChain(chain.Length == 0 ? new[] { Http } : chain), request, retries,
            (c, r) => router.RunAsync(c, r, _observer, default));
    }

    [Fact]
    public async Task A_valid_answer_is_parsed_and_the_schema_travels_as_response_format()
    {
        var answer = await Ask(OutputSchema.Parse(InvoiceSchema));

        Assert.Equal(JsonValueKind.String, answer.Value.GetProperty("number").ValueKind);
        Assert.Equal(42.5, answer.Value.GetProperty("total").GetDouble());
        Assert.StartsWith("{\"number\":", answer.Response.Text); // the raw JSON stays the response's text
        var sent = Assert.Single(_s.GetRequests()).GetProperty("response_format");
        Assert.Equal("json_schema", sent.GetProperty("type").GetString());
        Assert.Equal("object", sent.GetProperty("json_schema").GetProperty("schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_invalid_answer_is_asked_again_once_with_what_was_wrong()
    {
        _s.Configure(new { fault = "invalid-json", faultCount = 1 });
        var answer = await Ask(OutputSchema.Parse(InvoiceSchema));

        Assert.Equal(42.5, answer.Value.GetProperty("total").GetDouble());
        var requests = _s.GetRequests();
        Assert.Equal(2, requests.Length);
        var retry = requests[1].GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(3, retry.Count);
        Assert.Equal("assistant", retry[1].GetProperty("role").GetString());
        Assert.Contains("not valid JSON", retry[2].GetProperty("content").GetString());
        Assert.Equal(2, answer.Response.Attempts.Count);
    }

    [Fact]
    public async Task Invalid_twice_is_a_typed_error_carrying_the_raw_answer()
    {
        _s.Configure(new { fault = "json-mismatch" });
        var e = await Assert.ThrowsAsync<StructuredOutputException>(() => Ask(OutputSchema.Parse(InvoiceSchema)));

        Assert.Equal("SchemaMismatch", e.ErrorId);
        Assert.StartsWith("\"That answer cannot be used", e.RawError); // the last answer, as it came (the stand-in echoes the retry's turn)
        Assert.Contains("does not match the schema", e.Problem);
        Assert.Contains("2 tries", e.Message);
        Assert.Equal(2, _s.GetRequests().Length);
    }

    [Fact]
    public async Task The_number_of_retries_is_configurable()
    {
        _s.Configure(new { fault = "invalid-json", faultCount = 2 });
        await Assert.ThrowsAsync<StructuredOutputException>(() => Ask(OutputSchema.Parse(InvoiceSchema), retries: 1));
        _s.Reset();
        _s.Configure(new { fault = "invalid-json", faultCount = 2 });
        var answer = await Ask(OutputSchema.Parse(InvoiceSchema), retries: 2);
        Assert.Equal(3, _s.GetRequests().Length);
        Assert.True(answer.Value.TryGetProperty("number", out _));
    }

    [Fact]
    public async Task AsJson_asks_for_any_object_and_refuses_anything_else()
    {
        var answer = await Ask(OutputSchema.AnyObject);
        Assert.Equal("You said: «Invoice 2024-17, total 99.50 EUR».", answer.Value.GetProperty("answer").GetString());
        Assert.Equal("json_object", _s.GetRequests()[0].GetProperty("response_format").GetProperty("type").GetString());

        _s.Reset();
        _s.Configure(new { fault = "json-mismatch" });
        var e = await Assert.ThrowsAsync<StructuredOutputException>(() => Ask(OutputSchema.AnyObject, retries: 0));
        Assert.Contains("not an object", e.Problem);
    }

    [Fact]
    public async Task The_local_runner_carries_a_schema_over_HTTP_and_refuses_it_over_the_CLI()
    {
        var answer = await Ask(OutputSchema.Parse(InvoiceSchema), 1, Chain.Dmr(Chain.Unique("local")));
        Assert.Equal(42.5, answer.Value.GetProperty("total").GetDouble());

        var cli = Chain.Dmr(Chain.Unique("cli"));
        cli.Transport = LlmTransport.Cli;
        var e = await Assert.ThrowsAsync<DockerModelException>(() => Ask(OutputSchema.Parse(InvoiceSchema), 1, cli));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Contains("a schema (-Schema, -AsJson)", e.Message);
    }

    [Fact]
    public async Task A_server_that_ignores_response_format_and_fences_its_JSON_is_still_understood()
    {
        using var server = new LoopbackOpenAIServer
        {
            Respond = r => LoopbackOpenAIServer.Json(r,
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"```json\\n{\\\"number\\\":\\\"A-1\\\",\\\"total\\\":12}\\n```\"},\"finish_reason\":\"stop\"}]}"),
        };
        var answer = await Ask(OutputSchema.Parse(InvoiceSchema), 1, Chain.OpenAI(Chain.Unique("other"), server.BaseUrl, "gpt-x"));

        Assert.Equal("A-1", answer.Value.GetProperty("number").GetString());
        Assert.StartsWith("```json", answer.Response.Text);
        var (path, body) = Assert.Single(server.Bodies);
        Assert.Equal("/v1/chat/completions", path);
        Assert.Contains("\"response_format\":{\"type\":\"json_schema\"", body);
    }

    [Fact]
    public void A_lone_required_or_enum_value_is_a_list_of_one_as_PowerShell_users_write_it()
    {
        // @{ required = 'number' } is a string in PowerShell, not a list of one: the schema would be refused.
        var schema = OutputSchema.Parse(
            "{\"type\":\"object\",\"required\":\"number\",\"properties\":{\"number\":{\"type\":\"string\",\"enum\":\"A-1\"}," +
            "\"required\":true,\"enum\":{\"type\":\"object\",\"required\":\"x\"}},\"default\":{\"required\":\"kept\"}}");
        using var doc = JsonDocument.Parse(schema.Json!);
        var root = doc.RootElement;
        Assert.Equal("[\"number\"]", root.GetProperty("required").GetRawText());
        var props = root.GetProperty("properties");
        Assert.Equal("[\"A-1\"]", props.GetProperty("number").GetProperty("enum").GetRawText());
        Assert.Equal(JsonValueKind.True, props.GetProperty("required").ValueKind); // a property named required stays a schema
        Assert.Equal("[\"x\"]", props.GetProperty("enum").GetProperty("required").GetRawText());
        Assert.Equal("\"kept\"", root.GetProperty("default").GetProperty("required").GetRawText()); // data, not a schema
        Assert.NotNull(JsonAnswer.Check(schema, "{\"number\":\"A-1\",\"required\":1,\"enum\":{\"x\":2}}", out _));
        Assert.Null(JsonAnswer.Check(schema, "{\"number\":\"B-2\"}", out string? problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_schema_that_is_not_JSON_is_refused_before_any_request()
    {
        var e = Assert.Throws<DockerModelException>(() => OutputSchema.Parse("{type: object"));
        Assert.Equal(ErrorKind.InvalidInvocation, e.Kind);
        Assert.Throws<DockerModelException>(() => OutputSchema.Parse("[1,2]"));
    }

    public enum Currency { EUR, USD }

    public sealed class Line
    {
        public string Item { get; set; } = "";
        public int Quantity { get; set; }
    }

    public sealed class Invoice
    {
        public string Number { get; set; } = "";
        public decimal Total { get; set; }
        public Currency Currency { get; set; }
        public DateTime? Due { get; set; }
        public List<Line> Lines { get; set; } = new();
        public bool Paid { get; set; }
        public string ReadOnly => "not in the schema";
    }

    [Fact]
    public async Task A_class_becomes_a_schema_whose_answer_matches_it()
    {
        var schema = OutputSchema.FromType(typeof(Invoice));
        using var doc = JsonDocument.Parse(schema.Json!);
        var root = doc.RootElement;
        var props = root.GetProperty("properties");
        Assert.Equal(new[] { "Number", "Total", "Currency", "Due", "Lines", "Paid" }, props.EnumerateObject().Select(p => p.Name));
        Assert.Equal("number", props.GetProperty("Total").GetProperty("type").GetString());
        Assert.Equal("EUR", props.GetProperty("Currency").GetProperty("enum")[0].GetString());
        Assert.Equal("date-time", props.GetProperty("Due").GetProperty("format").GetString());
        Assert.Equal("integer", props.GetProperty("Lines").GetProperty("items").GetProperty("properties").GetProperty("Quantity").GetProperty("type").GetString());
        Assert.False(root.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("Invoice", schema.Name);

        var answer = await Ask(schema);
        var invoice = answer.Value.Deserialize<Invoice>(new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } })!;
        Assert.Equal(42.5m, invoice.Total);
        Assert.Equal(Currency.EUR, invoice.Currency);
        Assert.Equal(42, Assert.Single(invoice.Lines).Quantity);
    }

    [Theory]
    [InlineData("{\"number\":\"1\",\"total\":2}", null)]
    [InlineData("{\"number\":1,\"total\":2}", "/number")]
    [InlineData("{\"number\":\"1\"}", "Required properties")]
    [InlineData("not json", "not valid JSON")]
    public void Answers_are_checked_against_the_schema(string text, string? problemPart)
    {
        var value = JsonAnswer.Check(OutputSchema.Parse(InvoiceSchema), text, out string? problem);
        if (problemPart is null)
        {
            Assert.NotNull(value);
            Assert.Null(problem);
        }
        else
        {
            Assert.Null(value);
            Assert.True(problem!.Contains(problemPart, StringComparison.Ordinal), problem);
        }
    }
}
