using System.Globalization;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>
/// What llama.cpp does with `response_format` (a grammar that only lets schema-valid JSON out), done the stand-in's
/// way: a deterministic JSON value that matches the schema, its strings echoing the user's text. `json_object` gives
/// {"answer": ...}. The faults `invalid-json` (not JSON) and `json-mismatch` (JSON of the wrong shape) break it.
/// </summary>
public static class SchemaAnswer
{
    private const int MaxDepth = 12;

    /// <summary>The answer text for a request with `response_format`, or null when it has none (plain text then).</summary>
    public static string? For(JNode request, string user, ServerState state)
    {
        if (request["response_format"] is not JObject format) return null;
        var type = format["type"]?.Str;
        if (type is not ("json_object" or "json_schema")) return null;
        if (state.TakeFault(Faults.InvalidJson)) return "{\"answer\": \"" + Escape(user) + "\", ";
        if (state.TakeFault(Faults.JsonMismatch)) return "\"" + Escape(user) + "\"";
        // llama.cpp reads the schema at json_schema.schema (OpenAI's form) or, in its own form, at schema.
        var schema = format["json_schema"]?["schema"] ?? format["schema"];
        var value = type == "json_schema" && schema is not null
            ? Value(schema, schema, "answer", user, 0)
            : J.O(("answer", J.S($"You said: «{user}».")));
        return System.Text.Encoding.UTF8.GetString(JsonOut.Compact(value, escapeHtml: false));
    }

    private static JNode Value(JNode schema, JNode root, string name, string user, int depth)
    {
        if (depth > MaxDepth) return JNull.Instance;
        if (schema["$ref"]?.Str is { } reference && Resolve(root, reference) is { } target) return Value(target, root, name, user, depth + 1);
        if (schema["const"] is { } constant) return constant;
        if (schema["enum"] is JArray { Items.Count: > 0 } options) return options.Items[0];
        foreach (var choice in new[] { "anyOf", "oneOf", "allOf" })
            if (schema[choice] is JArray { Items.Count: > 0 } list) return Value(list.Items[0], root, name, user, depth + 1);
        string type = schema["type"] switch
        {
            JString s => s.Text,
            JArray a => a.Items.Select(i => i.Str).FirstOrDefault(t => t is not null && t != "null") ?? "null",
            _ => schema["properties"] is not null ? "object" : "string",
        };
        switch (type)
        {
            case "object":
                var o = new JObject();
                if (schema["properties"] is JObject props)
                    foreach (var (key, sub) in props.Props) o.Set(key, Value(sub, root, key, user, depth + 1));
                return o;
            case "array":
                long min = schema["minItems"]?.Long ?? 1, max = schema["maxItems"]?.Long ?? Math.Max(min, 2);
                long n = Math.Min(Math.Max(min, 1), max);
                var items = schema["items"] ?? new JObject();
                return J.A(Enumerable.Range(0, (int)n).Select(_ => Value(items, root, name, user, depth + 1)));
            case "integer":
                return new JNumber(Clamp(schema, 42).ToString("0", CultureInfo.InvariantCulture));
            case "number":
                return new JNumber(Clamp(schema, 42.5).ToString("0.0##", CultureInfo.InvariantCulture));
            case "boolean":
                return JBool.True;
            case "null":
                return JNull.Instance;
            default:
                return J.S(Text(schema, name, user));
        }
    }

    private static double Clamp(JNode schema, double value)
    {
        if (Number(schema["minimum"]) is { } lo && value < lo) value = lo;
        if (Number(schema["exclusiveMinimum"]) is { } elo && value <= elo) value = elo + 1;
        if (Number(schema["maximum"]) is { } hi && value > hi) value = hi;
        if (Number(schema["exclusiveMaximum"]) is { } ehi && value >= ehi) value = ehi - 1;
        return value;
    }

    private static double? Number(JNode? n) =>
        n is JNumber num && double.TryParse(num.Raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static string Text(JNode schema, string name, string user)
    {
        string text = schema["format"]?.Str switch
        {
            "date-time" => "2026-01-02T03:04:05Z",
            "date" => "2026-01-02",
            "time" => "03:04:05Z",
            "uuid" => "3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
            "email" => "someone@example.com",
            "uri" => "https://example.com/",
            _ => $"{name}: {user}",
        };
        var runes = text.EnumerateRunes().ToList();
        long max = schema["maxLength"]?.Long ?? long.MaxValue, min = schema["minLength"]?.Long ?? 0;
        if (runes.Count > max) text = string.Concat(runes.Take((int)max).Select(r => r.ToString()));
        if (runes.Count < min) text += new string('.', (int)(min - runes.Count));
        return text;
    }

    private static JNode? Resolve(JNode root, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal)) return null;
        JNode? node = root;
        foreach (var part in reference[2..].Split('/')) node = node?[part.Replace("~1", "/").Replace("~0", "~")];
        return node;
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
}
