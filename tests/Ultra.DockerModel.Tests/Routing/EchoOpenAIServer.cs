#nullable enable // also when Pester compiles this file with Add-Type
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>
/// An OpenAI-compatible server that is not Docker Model Runner (Pester loads it with Add-Type): chat completions streamed
/// as SSE, answering <c>echo: USER</c>, or JSON for a <c>response_format</c> (a value of the schema's shape, or
/// <c>{"echo":USER}</c> for json_object); embeddings as letter histograms, so texts sharing letters are close.
/// </summary>
public static class EchoOpenAIServer
{
    public static LoopbackOpenAIServer Start() => new() { RespondTo = AnswerAsync };

    public static Task AnswerAsync(string path, string body, HttpListenerResponse response)
    {
        using var doc = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        var request = doc.RootElement;
        string model = request.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "";
        return path switch
        {
            "/v1/chat/completions" => ChatAsync(request, model, response),
            "/v1/embeddings" => LoopbackOpenAIServer.Json(response, Embeddings(request, model)),
            _ => LoopbackOpenAIServer.Error(response, 404, "{\"error\":{\"message\":\"not found\"}}"),
        };
    }

    private static Task ChatAsync(JsonElement request, string model, HttpListenerResponse response)
    {
        string user = request.GetProperty("messages").EnumerateArray().Last(x => x.GetProperty("role").GetString() == "user").GetProperty("content").GetString() ?? "";
        string answer = "echo: " + user;
        if (request.TryGetProperty("response_format", out var format))
            answer = format.GetProperty("type").GetString() == "json_schema"
                ? ValueOf(format.GetProperty("json_schema").GetProperty("schema"), "", user)!.ToJsonString()
                : new JsonObject { ["echo"] = user }.ToJsonString();
        // Two content pieces, so a cached answer has pieces to replay in order.
        int half = answer.Length / 2;
        var events = new List<string>();
        foreach (string piece in new[] { answer[..half], answer[half..] })
            events.Add("data: " + new JsonObject { ["model"] = model, ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject { ["content"] = piece } }) }.ToJsonString());
        events.Add("data: " + new JsonObject { ["model"] = model, ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = "stop" }) }.ToJsonString());
        events.Add("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}");
        events.Add("data: [DONE]");
        return LoopbackOpenAIServer.Sse(response, events.ToArray());
    }

    /// <summary>A value of the schema's shape: strings name their property and quote the prompt.</summary>
    private static JsonNode? ValueOf(JsonElement schema, string name, string user)
    {
        string type = schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "object";
        switch (type)
        {
            case "object":
                var o = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                    foreach (var p in properties.EnumerateObject()) o[p.Name] = ValueOf(p.Value, p.Name, user);
                return o;
            case "array":
                return schema.TryGetProperty("items", out var items) ? new JsonArray(ValueOf(items, name, user)) : new JsonArray();
            case "number": return 12.5;
            case "integer": return 7;
            case "boolean": return true;
            case "null": return null;
            default: return $"{name}: {user}";
        }
    }

    private static string Embeddings(JsonElement request, string model)
    {
        var input = request.GetProperty("input");
        var texts = input.ValueKind == JsonValueKind.Array ? input.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : new List<string> { input.GetString() ?? "" };
        var data = new JsonArray();
        for (int i = 0; i < texts.Count; i++)
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = new JsonArray(Histogram(texts[i]).Select(v => (JsonNode)v).ToArray()) });
        return new JsonObject { ["object"] = "list", ["model"] = model, ["data"] = data, ["usage"] = new JsonObject { ["prompt_tokens"] = texts.Count, ["total_tokens"] = texts.Count } }.ToJsonString();
    }

    /// <summary>How often each letter a-z occurs, L2-normalised.</summary>
    private static float[] Histogram(string text)
    {
        var v = new float[26];
        foreach (char c in text.ToLowerInvariant())
            if (c is >= 'a' and <= 'z') v[c - 'a']++;
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return norm == 0 ? v : v.Select(x => x / norm).ToArray();
    }
}
