using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ultra.DockerModel.Routing;

namespace Ultra.DockerModel.Caching
{
    /// <summary>
    /// What makes two calls the same call: the provider's kind, endpoint and model (and the model's digest when known),
    /// the messages, every option of the request and the schema. The options are read off <see cref="LlmRequest"/> by
    /// reflection, so a sampling option added later (-Seed, -TopP ...) is part of the key without anyone remembering to
    /// add it; only the properties that say how to call, not what to ask, are left out.
    /// </summary>
    public static class CacheKey
    {
        private static readonly string[] HowToCall =
        {
            nameof(LlmRequest.Messages), nameof(LlmRequest.Schema), nameof(LlmRequest.Timeout), nameof(LlmRequest.FirstTokenTimeout),
            nameof(LlmRequest.AutoPull), nameof(LlmRequest.KeepText), nameof(LlmRequest.MaxRetries), nameof(LlmRequest.RetryDelay),
            nameof(LlmRequest.MaxRetryAfter), "Cooldown", "EqualityContract",
        };

        private static readonly PropertyInfo[] Options = typeof(LlmRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => !HowToCall.Contains(p.Name) && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToArray();

        /// <summary>A SHA-256 of the canonical form, as 64 hex digits (a file name).</summary>
        public static string For(LlmProvider provider, LlmRequest request, string? modelDigest)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteNumber("v", 1);
                json.WriteString("kind", provider.Kind.ToString());
                json.WriteString("endpoint", provider.Endpoint ?? "");
                json.WriteString("model", provider.Kind == LlmProviderKind.DockerModelRunner && provider.Model != null && ModelReference.IsValid(provider.Model)
                    ? ModelReference.Normalize(provider.Model) : provider.Model ?? "");
                json.WriteString("digest", modelDigest ?? "");
                json.WriteStartArray("messages");
                foreach (var m in request.Messages)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(m.Role);
                    json.WriteStringValue(m.Content);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                json.WriteStartObject("options");
                foreach (var p in Options) json.WriteString(p.Name, Format(p.GetValue(request)));
                json.WriteEndObject();
                json.WriteString("schema", request.Schema is null ? "" : request.Schema.Json ?? "json_object");
                json.WriteEndObject();
            }
            using var sha = SHA256.Create();
            return string.Concat(sha.ComputeHash(buffer.ToArray()).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        private static string Format(object? value) => value switch
        {
            null => "",
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            string s => s,
            System.Collections.IEnumerable list => "[" + string.Join(",", list.Cast<object?>().Select(i => JsonSerializer.Serialize(Format(i)))) + "]",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }
}
