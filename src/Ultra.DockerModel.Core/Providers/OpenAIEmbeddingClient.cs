using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Ultra.DockerModel.Providers
{
    /// <summary>
    /// OpenAI-compatible <c>/embeddings</c>: Docker Model Runner's <c>/engines/v1/embeddings</c>, Ollama's, LM Studio's,
    /// OpenAI's. One request carries a whole batch of inputs; errors map like the chat client's.
    /// </summary>
    public sealed class OpenAIEmbeddingClient : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly Uri _embeddings;
        private readonly string _model;
        private readonly string? _apiKey;
        private readonly bool _isDockerModelRunner;
        private readonly string? _apiKeyVariable;

        public OpenAIEmbeddingClient(string baseUrl, string model, string? apiKey = null, bool isDockerModelRunner = false, string? apiKeyVariable = null)
        {
            _embeddings = new Uri(baseUrl.TrimEnd('/') + "/embeddings");
            _model = model;
            _apiKey = apiKey;
            _isDockerModelRunner = isDockerModelRunner;
            _apiKeyVariable = apiKeyVariable;
        }

        private string Authority => _embeddings.GetLeftPart(UriPartial.Authority);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var inputs = values.ToList();
            using var request = new HttpRequestMessage(HttpMethod.Post, _embeddings) { Content = Body(inputs, options) };
            if (!string.IsNullOrEmpty(_apiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
            HttpResponseMessage response;
            try
            {
                response = await OpenAIChatClient.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw HttpErrors.Unreachable(e, Authority, _model, _isDockerModelRunner);
            }
            using (response)
            {
                string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    if (!string.IsNullOrEmpty(_apiKey)) text = text.Replace(_apiKey, "***");
                    throw HttpErrors.FromResponse(response.StatusCode, text, response.Headers.RetryAfter, _model, _isDockerModelRunner, _apiKeyVariable, Authority);
                }
                try
                {
                    return Parse(text, inputs.Count);
                }
                catch (Exception e) when (e is JsonException || e is KeyNotFoundException || e is InvalidOperationException || e is FormatException)
                {
                    throw new DockerModelException(ErrorKind.ServerError, $"{Authority} sent a malformed embeddings answer: {e.Message}",
                        text.Length > 2000 ? text.Substring(0, 2000) + "..." : text, e) { Model = _model };
                }
            }
        }

        private HttpContent Body(IReadOnlyList<string> inputs, EmbeddingGenerationOptions? options)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("model", _model);
                json.WriteStartArray("input");
                foreach (var input in inputs) json.WriteStringValue(input);
                json.WriteEndArray();
                json.WriteString("encoding_format", "float");
                if (options?.Dimensions is int d) json.WriteNumber("dimensions", d);
                json.WriteEndObject();
            }
            var content = new ByteArrayContent(buffer.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }

        // The answer's data is ordered by "index", which need not be the order of the array.
        private GeneratedEmbeddings<Embedding<float>> Parse(string text, int expected)
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var vectors = new Embedding<float>[expected];
            foreach (var item in root.GetProperty("data").EnumerateArray())
            {
                int index = item.TryGetProperty("index", out var i) ? i.GetInt32() : Array.IndexOf(vectors, null);
                if (index < 0 || index >= expected) throw new FormatException($"an embedding has index {index}, outside the {expected} inputs");
                var array = item.GetProperty("embedding");
                var vector = new float[array.GetArrayLength()];
                int k = 0;
                foreach (var v in array.EnumerateArray()) vector[k++] = v.GetSingle();
                vectors[index] = new Embedding<float>(vector) { ModelId = _model };
            }
            if (vectors.Any(v => v is null)) throw new FormatException($"the answer has fewer embeddings than the {expected} inputs");
            var result = new GeneratedEmbeddings<Embedding<float>>(vectors);
            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
                result.Usage = new UsageDetails { InputTokenCount = u.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt64(out long pv) ? pv : null };
            return result;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() { }
    }
}
