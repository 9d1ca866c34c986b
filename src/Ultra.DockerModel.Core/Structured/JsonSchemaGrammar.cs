using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Ultra.DockerModel.Structured
{
    /// <summary>
    /// A llama.cpp grammar (GBNF) that only lets JSON of a schema out, for the in-process engine (the runner's
    /// llama-server does this itself from response_format). After llama.cpp's json-schema-to-grammar, for the subset
    /// structured output uses: object (properties in order, required ones always, optional ones each may be left
    /// out), array (items, minItems, maxItems), string (minLength, maxLength, enum, const, format date/date-time/uuid
    /// as plain strings), integer, number, boolean, null, enum/const of any JSON value, anyOf/oneOf, local $ref, and
    /// type lists. Anything else (patterns, numeric ranges, additionalProperties with a schema) is allowed as any JSON
    /// value of that type; the answer is still checked against the full schema afterwards (<see cref="JsonAnswer"/>).
    /// </summary>
    public sealed class JsonSchemaGrammar
    {
        private const int MaxDepth = 32;
        private readonly Dictionary<string, string> _rules = new(StringComparer.Ordinal);
        private readonly JsonElement _root;

        private JsonSchemaGrammar(JsonElement root) => _root = root;

        /// <summary>The GBNF text, with its start rule named <c>root</c>; any JSON object for <see cref="OutputSchema.AnyObject"/>.</summary>
        public static string For(OutputSchema schema) => For(schema.Json);

        /// <summary>
        /// The grammar for what a chat client receives as <c>ChatOptions.ResponseFormat</c>: the in-process engine's
        /// client calls this and passes the result to llama.cpp's sampler (any JSON object when there is no schema).
        /// </summary>
        public static string For(Microsoft.Extensions.AI.ChatResponseFormatJson format) => For(format.Schema?.GetRawText());

        private static string For(string? json)
        {
            using var doc = JsonDocument.Parse(json ?? "{\"type\":\"object\"}");
            var g = new JsonSchemaGrammar(doc.RootElement);
            string body = g.Visit(doc.RootElement, "root", 0);
            var text = new StringBuilder();
            text.Append("root ::= ").Append(body).Append('\n');
            foreach (var rule in g._rules.OrderBy(r => r.Key, StringComparer.Ordinal)) text.Append(rule.Key).Append(" ::= ").Append(rule.Value).Append('\n');
            return text.ToString();
        }

        // The primitives, as llama.cpp writes them (a space rule keeps the model from padding forever).
        private static readonly Dictionary<string, string> Primitives = new()
        {
            ["ws"] = "| \" \" | \"\\n\" [ \\t]{0,20}",
            ["boolean"] = "(\"true\" | \"false\") ws",
            ["null"] = "\"null\" ws",
            ["integer"] = "(\"-\"? ([0] | [1-9] [0-9]{0,15})) ws",
            ["number"] = "(\"-\"? ([0] | [1-9] [0-9]{0,15})) (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})? ws",
            ["char"] = "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\bfnrt] | \"u\" [0-9a-fA-F]{4})",
            ["string"] = "\"\\\"\" char* \"\\\"\" ws",
            ["value"] = "object | array | string | number | boolean | null",
            ["object"] = "\"{\" ws ( string \":\" ws value (\",\" ws string \":\" ws value)* )? \"}\" ws",
            ["array"] = "\"[\" ws ( value (\",\" ws value)* )? \"]\" ws",
        };

        private string Primitive(string name)
        {
            if (!_rules.ContainsKey(name))
            {
                _rules[name] = Primitives[name];
                // A primitive names others: bring them in too.
                foreach (var other in Primitives.Keys.Where(k => k != name && Primitives[name].Contains(k)).ToList()) Primitive(other);
            }
            return name;
        }

        private string Visit(JsonElement schema, string name, int depth)
        {
            if (depth > MaxDepth || schema.ValueKind != JsonValueKind.Object) return Primitive("value");
            if (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is string r && Resolve(r) is JsonElement target)
            {
                string refName = "ref-" + Sanitize(r.Substring(r.LastIndexOf('/') + 1));
                if (!_rules.ContainsKey(refName))
                {
                    _rules[refName] = "\"\""; // a placeholder while it is being written, so a recursive type ends
                    _rules[refName] = Visit(target, refName, depth + 1);
                }
                return refName;
            }
            if (schema.TryGetProperty("const", out var constant)) return Literal(constant) + " " + Primitive("ws");
            if (schema.TryGetProperty("enum", out var options) && options.ValueKind == JsonValueKind.Array)
                return "(" + string.Join(" | ", options.EnumerateArray().Select(Literal)) + ") " + Primitive("ws");
            foreach (string choice in new[] { "anyOf", "oneOf" })
                if (schema.TryGetProperty(choice, out var list) && list.ValueKind == JsonValueKind.Array)
                    return "(" + string.Join(" | ", list.EnumerateArray().Select((s, i) => Named(Visit(s, $"{name}-{i}", depth + 1), $"{name}-{i}"))) + ")";
            if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
                return "(" + string.Join(" | ", type.EnumerateArray().Select(t => ForType(schema, t.GetString() ?? "", name, depth))) + ")";
            string typeName = type.ValueKind == JsonValueKind.String ? type.GetString()!
                : schema.TryGetProperty("properties", out _) ? "object" : schema.TryGetProperty("items", out _) ? "array" : "";
            return ForType(schema, typeName, name, depth);
        }

        private string ForType(JsonElement schema, string type, string name, int depth)
        {
            switch (type)
            {
                case "object":
                    return ObjectRule(schema, name, depth);
                case "array":
                    string item = schema.TryGetProperty("items", out var items) ? Named(Visit(items, name + "-item", depth + 1), name + "-item") : Primitive("value");
                    int min = schema.TryGetProperty("minItems", out var mi) && mi.TryGetInt32(out int a) ? a : 0;
                    int? max = schema.TryGetProperty("maxItems", out var ma) && ma.TryGetInt32(out int b) ? b : null;
                    return "\"[\" ws " + Repeat(item, min, max) + " \"]\" " + Primitive("ws");
                case "string":
                    Primitive("char");
                    // A length bound keeps a small model from writing one string until the token limit cuts the JSON.
                    int? shortest = schema.TryGetProperty("minLength", out var sl) && sl.TryGetInt32(out int c) ? c : null;
                    int? longest = schema.TryGetProperty("maxLength", out var ll) && ll.TryGetInt32(out int d) ? d : null;
                    if (shortest is null && longest is null) return Primitive("string");
                    return "\"\\\"\" char{" + (shortest ?? 0).ToString(CultureInfo.InvariantCulture) + "," + longest?.ToString(CultureInfo.InvariantCulture) + "} \"\\\"\" " + Primitive("ws");
                case "integer":
                case "number":
                case "boolean":
                case "null":
                    return Primitive(type);
                default:
                    return Primitive("value");
            }
        }

        private string ObjectRule(JsonElement schema, string name, int depth)
        {
            if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object || !properties.EnumerateObject().Any())
                return Primitive("object");
            var required = schema.TryGetProperty("required", out var req) && req.ValueKind == JsonValueKind.Array
                ? new HashSet<string>(req.EnumerateArray().Select(r => r.GetString() ?? ""), StringComparer.Ordinal)
                : new HashSet<string>(StringComparer.Ordinal);
            var parts = properties.EnumerateObject().Select(p =>
            {
                string rule = Named(Visit(p.Value, $"{name}-{Sanitize(p.Name)}", depth + 1), $"{name}-{Sanitize(p.Name)}");
                return (Text: Quote(JsonSerializer.Serialize(p.Name)) + " ws \":\" ws " + rule, Required: required.Contains(p.Name));
            }).ToList();
            // Properties come in schema order; the required ones always, each optional one may be left out. Commas sit
            // in front of every property but the first one written, so the text stays JSON whichever are left out.
            var body = new StringBuilder();
            bool anyBefore = false;     // a property surely written before this one (a required one)
            foreach (var (text, isRequired) in parts)
            {
                string comma = anyBefore ? "\",\" ws " : "";
                if (isRequired)
                {
                    // Optional properties before the first required one carry their own comma after them.
                    body.Append(' ').Append(comma).Append(text);
                    anyBefore = true;
                }
                else
                {
                    body.Append(" (").Append(anyBefore ? "\",\" ws " + text : text + " \",\" ws").Append(")?");
                }
            }
            if (!parts.Any(p => p.Required))
                return "\"{\" ws (" + string.Join(" | ", Enumerable.Range(0, parts.Count).Select(i => Chain(parts.Skip(i).Select(p => p.Text).ToList()))) + ")? \"}\" " + Primitive("ws");
            return "\"{\" ws" + body + " \"}\" " + Primitive("ws");
        }

        // The first of the optional properties, then any of the rest, each with its comma: every subset in order.
        private static string Chain(IReadOnlyList<string> texts) =>
            texts[0] + string.Concat(texts.Skip(1).Select(t => " (\",\" ws " + t + ")?"));

        private string Named(string body, string name)
        {
            name = Sanitize(name);
            if (IsName(body)) return body;
            _rules[name] = body;
            return name;
        }

        private static bool IsName(string text) => text.All(c => char.IsLetterOrDigit(c) || c == '-');

        private static string Repeat(string item, int min, int? max)
        {
            if (max == 0) return "";
            if (min == 0) return "(" + item + Rest(item, 0, max is int m ? m - 1 : (int?)null) + ")?";
            return item + Rest(item, min - 1, max is int n ? n - 1 : (int?)null);
        }

        private static string Rest(string item, int min, int? max) =>
            " (\",\" ws " + item + ")" + (max is int m ? "{" + min.ToString(CultureInfo.InvariantCulture) + "," + m.ToString(CultureInfo.InvariantCulture) + "}" : min == 0 ? "*" : "{" + min.ToString(CultureInfo.InvariantCulture) + ",}");

        private static string Literal(JsonElement value) => Quote(value.GetRawText());

        private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

        private JsonElement? Resolve(string reference)
        {
            if (!reference.StartsWith("#/", StringComparison.Ordinal)) return null;
            JsonElement node = _root;
            foreach (string part in reference.Substring(2).Split('/'))
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part.Replace("~1", "/").Replace("~0", "~"), out node)) return null;
            }
            return node;
        }

        private static string Sanitize(string name)
        {
            var sb = new StringBuilder();
            foreach (char c in name) sb.Append(c < 128 && char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-');
            return sb.ToString();
        }
    }
}
