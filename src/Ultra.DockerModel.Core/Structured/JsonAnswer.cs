using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Ultra.DockerModel.Structured
{
    /// <summary>Reads an answer as JSON and checks it against the schema: either the parsed value or what is wrong with it.</summary>
    public static class JsonAnswer
    {
        /// <returns>The parsed value, or null with <paramref name="problem"/> saying why the answer does not do.</returns>
        public static JsonElement? Check(OutputSchema schema, string text, out string? problem)
        {
            string json = Unfence(text);
            JsonElement value;
            try
            {
                using var doc = JsonDocument.Parse(json);
                value = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                problem = $"the answer is not valid JSON ({e.Message})";
                return null;
            }
            if (schema.Json is null)
            {
                problem = value.ValueKind == JsonValueKind.Object ? null : $"the answer is JSON but not an object (it is {value.ValueKind.ToString().ToLowerInvariant()})";
                return problem is null ? value : null;
            }
            var results = schema.Validator().Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (results.IsValid)
            {
                problem = null;
                return value;
            }
            var errors = (results.Details ?? Array.Empty<EvaluationResults>())
                .Where(d => d.Errors != null)
                .SelectMany(d => d.Errors!.Select(e => $"{Where(d.InstanceLocation.ToString())}: {e.Value}"))
                .Distinct()
                .Take(5)
                .ToList();
            problem = "the answer does not match the schema" + (errors.Count == 0 ? "" : " (" + string.Join("; ", errors) + ")");
            return null;
        }

        private static string Where(string pointer) => pointer.Length == 0 ? "the answer" : pointer;

        // Some servers ignore response_format and wrap JSON in a Markdown fence: the fence is not part of the answer.
        private static string Unfence(string text)
        {
            string t = text.Trim();
            if (!t.StartsWith("```", StringComparison.Ordinal) || !t.EndsWith("```", StringComparison.Ordinal) || t.Length < 6) return t;
            int firstLine = t.IndexOf('\n');
            return firstLine < 0 ? t : t.Substring(firstLine + 1, t.Length - firstLine - 4).Trim();
        }
    }
}
