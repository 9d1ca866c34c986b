using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace Ultra.DockerModel.Providers
{
    /// <summary>
    /// Any OpenAI-compatible chat completions endpoint with SSE streaming: Docker Model Runner's own HTTP API, Ollama's
    /// /v1, LM Studio, vLLM, llama.cpp's server, OpenAI. Small on purpose: the OpenAI SDK would add several MB of DLLs
    /// for one POST, and this keeps the error mapping (Retry-After, partial answers, key masking) in our hands.
    /// </summary>
    public sealed class OpenAIChatClient : IChatClient
    {
        // The system proxy applies (a cloud endpoint behind a corporate proxy); loopback endpoints bypass it.
        internal static readonly HttpClient Http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        private readonly Uri _chatCompletions;
        private readonly string _model;
        private readonly string? _apiKey;
        private readonly bool _isDockerModelRunner;
        private readonly string? _apiKeyVariable;
        private readonly string _baseUrl;
        private readonly string? _providerName;

        /// <param name="baseUrl">The OpenAI base URL, e.g. <c>http://localhost:12434/engines/v1</c>.</param>
        /// <param name="isDockerModelRunner">A 503 then means the runner is not running (a fallback trigger).</param>
        /// <param name="apiKeyVariable">The NAME of the environment variable the key came from, for error messages.</param>
        /// <param name="providerName">The chain entry's name, for error messages.</param>
        public OpenAIChatClient(string baseUrl, string model, string? apiKey = null, bool isDockerModelRunner = false, string? apiKeyVariable = null,
            string? providerName = null)
        {
            _baseUrl = baseUrl.TrimEnd('/');
            _providerName = providerName;
            _chatCompletions = new Uri(_baseUrl + "/chat/completions");
            _model = model;
            _apiKey = apiKey;
            _isDockerModelRunner = isDockerModelRunner;
            _apiKeyVariable = apiKeyVariable;
        }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        private string Authority => _chatCompletions.GetLeftPart(UriPartial.Authority);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _chatCompletions) { Content = Body(messages, options) };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (!string.IsNullOrEmpty(_apiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);

            HttpResponseMessage response;
            try
            {
                response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw HttpErrors.Unreachable(e, Authority, _model, _isDockerModelRunner);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                    throw HttpErrors.FromResponse(response.StatusCode, MaskKey(await response.Content.ReadAsStringAsync().ConfigureAwait(false)),
                        response.Headers.RetryAfter, _model, _isDockerModelRunner, _apiKeyVariable, _baseUrl, _providerName);

                using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                var invalid = new CliAnswerDecoder.CountingFallback();
                var reader = new SseLineReader(stream, Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback, invalid));
                bool sse = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
                if (!sse)
                {
                    string text;
                    try
                    {
                        text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException || e is HttpRequestException)
                    {
                        throw new DockerModelException(ErrorKind.ServerError, $"The connection to {_chatCompletions.Host} broke before the answer: {e.Message}") { Model = _model };
                    }
                    ChatResponseUpdate whole;
                    try
                    {
                        whole = ParseWhole(text);
                    }
                    catch (Exception e) when (e is JsonException || e is KeyNotFoundException || e is InvalidOperationException || e is IndexOutOfRangeException || e is FormatException)
                    {
                        throw Malformed(false, e, text);
                    }
                    if (invalid.Count > 0) whole.AdditionalProperties = ChatRequest.InvalidUtf8(invalid.Count);
                    yield return whole;
                    yield break;
                }
                bool any = false;
                while (true)
                {
                    string? line;
                    try
                    {
                        line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException || e is HttpRequestException)
                    {
                        throw new DockerModelException(any ? ErrorKind.StreamInterrupted : ErrorKind.ServerError,
                            $"The connection to {_chatCompletions.Host} broke {(any ? "part-way through the answer" : "before the answer")}: {e.Message}") { Model = _model };
                    }
                    if (line is null)
                    {
                        if (any) throw new DockerModelException(ErrorKind.StreamInterrupted, $"The answer from {_chatCompletions.Host} ended without [DONE].") { Model = _model };
                        throw new DockerModelException(ErrorKind.ServerError, $"{_chatCompletions.Host} closed the stream without an answer.") { Model = _model };
                    }
                    if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
                    string data = line.Substring(5).Trim();
                    if (data == "[DONE]")
                    {
                        // Reported like the CLI transport does (the server sent bytes that are not UTF-8; each became U+FFFD).
                        if (invalid.Count > 0) yield return new ChatResponseUpdate { Role = ChatRole.Assistant, ModelId = _model, AdditionalProperties = ChatRequest.InvalidUtf8(invalid.Count) };
                        yield break;
                    }
                    var update = ParseChunk(data, any);
                    if (update is null) continue;
                    any = true;
                    yield return update;
                }
            }
        }

        // A line that is not the JSON it should be: the server is broken, which another provider may not be.
        // RawError keeps (the start of) what it sent.
        private DockerModelException Malformed(bool any, Exception e, string raw) =>
            new(any ? ErrorKind.StreamInterrupted : ErrorKind.ServerError,
                $"{Authority} sent a malformed answer {(any ? "part-way through" : "before any text")}: {e.Message}",
                raw.Length > 2000 ? raw.Substring(0, 2000) + "..." : raw, e) { Model = _model };

        /// <summary>
        /// Reads the response line by line with reads that take the token: cancelling one aborts the connection at
        /// once (Select-Object -First, Ctrl+C, a time-out), where disposing a StreamReader's half-read response made the
        /// handler drain the rest of the answer for up to 2 s while the server went on generating it.
        /// </summary>
        private sealed class SseLineReader
        {
            private readonly Stream _stream;
            private readonly Decoder _decoder;
            private readonly byte[] _bytes = new byte[16384];
            private readonly char[] _chars = new char[16386];
            private readonly StringBuilder _buffer = new();
            private int _scanned;
            private bool _ended;

            public SseLineReader(Stream stream, Encoding encoding)
            {
                _stream = stream;
                _decoder = encoding.GetDecoder();
            }

            /// <summary>The next line without its end (\n or \r\n); null at the end of the stream.</summary>
            public async Task<string?> ReadLineAsync(CancellationToken token)
            {
                while (true)
                {
                    for (int i = _scanned; i < _buffer.Length; i++)
                    {
                        if (_buffer[i] != '\n') continue;
                        string line = _buffer.ToString(0, i > 0 && _buffer[i - 1] == '\r' ? i - 1 : i);
                        _buffer.Remove(0, i + 1);
                        _scanned = 0;
                        return line;
                    }
                    _scanned = _buffer.Length;
                    if (_ended)
                    {
                        if (_buffer.Length == 0) return null;
                        string last = _buffer.ToString();
                        _buffer.Clear();
                        _scanned = 0;
                        return last;
                    }
                    await FillAsync(token).ConfigureAwait(false);
                }
            }

            public async Task<string> ReadToEndAsync(CancellationToken token)
            {
                while (!_ended) await FillAsync(token).ConfigureAwait(false);
                string all = _buffer.ToString();
                _buffer.Clear();
                return all;
            }

            private async Task FillAsync(CancellationToken token)
            {
                int n = await _stream.ReadAsync(_bytes, 0, _bytes.Length, token).ConfigureAwait(false);
                int c = _decoder.GetChars(_bytes, 0, n, _chars, 0, flush: n == 0);
                _buffer.Append(_chars, 0, c);
                if (n == 0) _ended = true;
            }
        }

        // Some servers quote the key they refused ("Incorrect API key provided: sk-..."): it must not reach an error record.
        private string MaskKey(string text) => string.IsNullOrEmpty(_apiKey) ? text : text.Replace(_apiKey, "***");


        private HttpContent Body(IEnumerable<ChatMessage> messages, ChatOptions? options)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("model", _model);
                json.WriteStartArray("messages");
                foreach (var m in messages)
                {
                    json.WriteStartObject();
                    json.WriteString("role", m.Role.Value);
                    json.WriteString("content", m.Text);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteBoolean("stream", true);
                json.WriteStartObject("stream_options");
                json.WriteBoolean("include_usage", true);
                json.WriteEndObject();
                if (options?.Temperature is float t) json.WriteNumber("temperature", t);
                if (options?.MaxOutputTokens is int max) json.WriteNumber("max_tokens", max);
                if (options?.TopP is float topP) json.WriteNumber("top_p", topP);
                if (options?.TopK is int topK) json.WriteNumber("top_k", topK); // llama.cpp, vLLM, Ollama; not OpenAI itself
                if (options?.Seed is long seed) json.WriteNumber("seed", seed);
                if (options?.StopSequences is { Count: > 0 } stop)
                {
                    json.WriteStartArray("stop");
                    foreach (string s in stop) json.WriteStringValue(s);
                    json.WriteEndArray();
                }
                if (options?.FrequencyPenalty is float fp) json.WriteNumber("frequency_penalty", fp);
                if (options?.PresencePenalty is float pp) json.WriteNumber("presence_penalty", pp);
                WriteResponseFormat(json, options?.ResponseFormat);
                json.WriteEndObject();
            }
            var content = new ByteArrayContent(buffer.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }

        // OpenAI's form, which llama.cpp (the runner), Ollama, LM Studio and vLLM read too: a schema becomes a grammar there.
        private static void WriteResponseFormat(Utf8JsonWriter json, ChatResponseFormat? format)
        {
            if (format is not ChatResponseFormatJson j) return;
            json.WriteStartObject("response_format");
            if (j.Schema is not JsonElement schema)
            {
                json.WriteString("type", "json_object");
            }
            else
            {
                json.WriteString("type", "json_schema");
                json.WriteStartObject("json_schema");
                json.WriteString("name", j.SchemaName ?? "response");
                json.WritePropertyName("schema");
                schema.WriteTo(json);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }

        /// <summary>One <c>data:</c> payload; a line that is not the JSON the API promises is a typed error, never a JsonException.</summary>
        private ChatResponseUpdate? ParseChunk(string data, bool answerStarted)
        {
            try
            {
                return ParseChunk(data);
            }
            catch (Exception e) when (e is JsonException || e is InvalidOperationException || e is FormatException)
            {
                throw Malformed(answerStarted, e, data);
            }
        }

        private ChatResponseUpdate? ParseChunk(string data)
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            var update = new ChatResponseUpdate { Role = ChatRole.Assistant, ModelId = _model };
            bool useful = false;
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                var choice = choices[0];
                if (choice.TryGetProperty("delta", out var delta))
                {
                    // llama.cpp (and vLLM, DeepSeek) send a reasoning model's thinking as reasoning_content: not the answer.
                    if (String(delta, "reasoning_content") is { } thought)
                    {
                        update.Contents.Add(new TextReasoningContent(thought));
                        useful = true;
                    }
                    if (String(delta, "content") is { } text)
                    {
                        update.Contents.Add(new TextContent(text));
                        useful = true;
                    }
                }
                if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String)
                {
                    update.FinishReason = new ChatFinishReason(f.GetString()!);
                    useful = true;
                }
            }
            if (Usage(root) is { } usage)
            {
                update.Contents.Add(usage);
                useful = true;
            }
            return useful ? update : null;
        }

        private ChatResponseUpdate ParseWhole(string body)
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var choice = root.GetProperty("choices")[0];
            var message = choice.GetProperty("message");
            var update = new ChatResponseUpdate(ChatRole.Assistant, message.GetProperty("content").GetString()) { ModelId = _model };
            if (String(message, "reasoning_content") is { } thought) update.Contents.Insert(0, new TextReasoningContent(thought));
            if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) update.FinishReason = new ChatFinishReason(f.GetString()!);
            if (Usage(root) is { } usage) update.Contents.Add(usage);
            return update;
        }

        /// <summary>A non-empty string property, or null.</summary>
        private static string? String(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

        private static UsageContent? Usage(JsonElement root) =>
            root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object
                ? new UsageContent(new UsageDetails
                {
                    InputTokenCount = u.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt64(out long pv) ? pv : null,
                    OutputTokenCount = u.TryGetProperty("completion_tokens", out var c) && c.TryGetInt64(out long cv) ? cv : null,
                })
                : null;

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose() { }
    }
}
