using System.Security.Cryptography;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>
/// POST /engines/v1/chat/completions: the runner's checks (model required, model local, body size) followed by
/// a llama.cpp-style answer, streamed as SSE (reference section 7.3) or as one JSON object.
/// </summary>
public sealed class ChatCompletions(ServerState state)
{
    private const int MaxBodyBytes = 10 * 1024 * 1024;
    private const string Fingerprint = "b6123-e365e65";

    public async Task HandleAsync(HttpExchange ex)
    {
        Interlocked.Increment(ref state.Stats.ChatRequests);
        state.Stats.NoteChatConnection(ex.Connection);
        var req = ex.Request;
        state.Record(req.Body);
        if (req.Body.Length > MaxBodyBytes) { await ex.SendTextAsync(400, "request too large"); return; }

        JNode body;
        try { body = JsonParser.Parse(req.Body); }
        catch (JsonParseException) { await ex.SendTextAsync(400, "invalid request body"); return; }
        var model = body["model"]?.Str;
        if (string.IsNullOrEmpty(model)) { await ex.SendTextAsync(400, "model is required"); return; }
        if (state.Store.Find(model) is null)
        {
            await ex.SendTextAsync(404, $"error while getting model: get model '{GoFormat.Quote(model)}': model not found");
            return;
        }

        var cfg = state.Config;
        if (await LoadFaultAsync(ex)) return;
        if (string.Equals(req.Header("X-Preload-Only"), "true", StringComparison.OrdinalIgnoreCase))
        {
            await PreloadAsync(model, cfg);
            await ex.SendAsync(200, null, []);
            return;
        }
        if (await RequestFaultAsync(ex, body, cfg)) return;

        var user = AnswerBuilder.LastUserText(body);
        var pieces = SchemaAnswer.For(body, user, state) is { } json ? AnswerBuilder.TextPieces(json)
            : AnswerBuilder.Pieces(user, AnswerBuilder.SystemText(body), cfg.AnswerBytes, cfg.AnswerPrefix);
        AnswerBuilder.ApplyStop(pieces, body);
        if (state.TakeFault(Faults.InvalidUtf8)) AnswerBuilder.Corrupt(pieces);
        var maxTokens = body["max_tokens"]?.Long ?? body["max_completion_tokens"]?.Long;
        string finish = "stop";
        if (maxTokens is { } max && max >= 0 && max < pieces.Count)
        {
            pieces.RemoveRange((int)max, pieces.Count - (int)max);
            finish = "length";
        }
        var reasoning = cfg.Reasoning ? AnswerBuilder.ReasoningPieces(user) : [];
        var slow = state.TakeFault(Faults.Slow);
        var crash = state.TakeFault(Faults.CrashMidStream);
        var stall = !crash && state.TakeFault(Faults.StallMidStream);
        var reply = new Reply(model, pieces, reasoning, finish, AnswerBuilder.PromptTokens(body),
            FirstDelay: slow ? (cfg.FirstTokenDelayMs > 0 ? cfg.FirstTokenDelayMs : Faults.DefaultSlowDelayMs) : cfg.FirstTokenDelayMs,
            TokenDelay: cfg.TokenDelayMs, CrashAfter: crash || stall ? cfg.CrashAfterPieces : -1, Stall: stall,
            Usage: (body["stream_options"]?["include_usage"]?.Bool ?? false), AlwaysUsage: cfg.AlwaysSendUsage);

        var (runner, cold) = state.Runners.Use(model);
        try
        {
            if (cold) await LoadAsync(runner, cfg);
            if (body["stream"]?.Bool == true) await StreamAsync(ex, reply);
            else await WholeAsync(ex, reply);
        }
        finally
        {
            state.Runners.Release(runner);
        }
    }

    /// <summary>Loads the model's runner (what X-Preload-Only and `configure` do) and leaves it idle.</summary>
    public async Task PreloadAsync(string model, StandInConfig cfg)
    {
        var (runner, cold) = state.Runners.Use(model);
        try
        {
            if (cold) await LoadAsync(runner, cfg);
        }
        finally
        {
            state.Runners.Release(runner);
        }
    }

    // A cold runner takes loadDelayMs to start (ps shows it as Loading... meanwhile).
    private async Task LoadAsync(Runners.Runner runner, StandInConfig cfg)
    {
        if (cfg.LoadDelayMs > 0) await Task.Delay(cfg.LoadDelayMs);
        state.Runners.Loaded(runner);
    }

    private sealed record Reply(string Model, List<byte[]> Pieces, List<byte[]> Reasoning, string Finish, long PromptTokens,
        int FirstDelay, int TokenDelay, int CrashAfter, bool Stall, bool Usage, bool AlwaysUsage)
    {
        public readonly string Id = "chatcmpl-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        public readonly long Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        public long CompletionTokens => Pieces.Count + Reasoning.Count;
    }

    /// <summary>Faults that happen while the runner loads the model (also for preload requests).</summary>
    private async Task<bool> LoadFaultAsync(HttpExchange ex)
    {
        if (state.TakeFault(Faults.Hang))
        {
            Interlocked.Increment(ref state.Stats.ActiveStreams);
            try { await ex.WaitForClientGoneAsync(); }
            finally
            {
                Interlocked.Decrement(ref state.Stats.ActiveStreams);
                Interlocked.Increment(ref state.Stats.AbortedStreams);
            }
            ex.Close();
            return true;
        }
        if (state.TakeFault(Faults.Oom)) { await ex.SendTextAsync(500, Faults.OomBody); return true; }
        if (state.TakeFault(Faults.BackendLoadTimeout)) { await ex.SendTextAsync(500, Faults.BackendLoadTimeoutBody); return true; }
        return false;
    }

    private async Task<bool> RequestFaultAsync(HttpExchange ex, JNode body, StandInConfig cfg)
    {
        var promptTokens = AnswerBuilder.PromptTokens(body);
        if (state.TakeFault(Faults.ContextTooLong))
        {
            long nCtx = cfg.ContextSize > 0 ? cfg.ContextSize : 4096;
            await SendJsonText(ex, 400, Faults.ContextTooLongBody(Math.Max(promptTokens, nCtx + 43), nCtx));
            return true;
        }
        if (cfg.ContextSize > 0 && promptTokens > cfg.ContextSize)
        {
            await SendJsonText(ex, 400, Faults.ContextTooLongBody(promptTokens, cfg.ContextSize));
            return true;
        }
        if (state.TakeFault(Faults.Http429))
        {
            await SendJsonText(ex, 429, Faults.Http429Body, [("Retry-After", "1")]);
            return true;
        }
        if (state.TakeFault(Faults.Http500)) { await SendJsonText(ex, 500, Faults.Http500Body); return true; }
        if (state.TakeFault(Faults.Http401)) { await SendJsonText(ex, 401, Faults.Http401Body); return true; }
        return false;
    }

    private static Task SendJsonText(HttpExchange ex, int status, string json, IEnumerable<(string, string)>? headers = null) =>
        ex.SendAsync(status, "application/json; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(json), headers);

    // llama.cpp writes its JSON unescaped (ensure_ascii off) and in insertion order.
    private static readonly JsonOut LlamaJson = new() { EscapeHtml = false, RawInvalidUtf8 = true };

    private static JObject Chunk(Reply r, JArray choices, params (string, JNode?)[] extra)
    {
        var o = J.O(
            ("choices", choices),
            ("created", J.N(r.Created)),
            ("id", J.S(r.Id)),
            ("model", J.S(r.Model)),
            ("system_fingerprint", J.S(Fingerprint)),
            ("object", J.S("chat.completion.chunk")));
        foreach (var (k, v) in extra)
            if (v is not null) o.Props.Add(new(k, v));
        return o;
    }

    private static JArray Choice(JNode? finish, JObject delta) =>
        J.A(J.O(("finish_reason", finish ?? JNull.Instance), ("index", J.N(0)), ("delta", delta)));

    private static JObject UsageJson(Reply r) => J.O(
        ("completion_tokens", J.N(r.CompletionTokens)),
        ("prompt_tokens", J.N(r.PromptTokens)),
        ("total_tokens", J.N(r.CompletionTokens + r.PromptTokens)));

    private static JObject Timings(Reply r) => J.O(
        ("prompt_n", J.N(r.PromptTokens)),
        ("prompt_ms", new JNumber("12.5")),
        ("predicted_n", J.N(r.CompletionTokens)),
        ("predicted_ms", J.N(r.CompletionTokens * Math.Max(1, r.TokenDelay))));

    private static Task Event(HttpExchange ex, JObject data)
    {
        var json = LlamaJson.ToBytes(data);
        return ex.WriteChunkAsync((byte[])[.. "data: "u8, .. json, .. "\n\n"u8]);
    }

    private async Task StreamAsync(HttpExchange ex, Reply r)
    {
        Interlocked.Increment(ref state.Stats.ActiveStreams);
        bool finished = false;
        try
        {
            await ex.BeginChunkedAsync(200, "text/event-stream", [("Cache-Control", "no-cache"), ("Connection", "keep-alive")]);
            await Event(ex, Chunk(r, Choice(null, J.O(("role", J.S("assistant")), ("content", JNull.Instance)))));
            int sent = 0;
            foreach (var piece in r.Reasoning)
            {
                await Pause(sent++ == 0 ? r.FirstDelay : r.TokenDelay);
                await Event(ex, Chunk(r, Choice(null, J.O(("reasoning_content", new JString(piece))))));
            }
            int content = 0;
            foreach (var piece in r.Pieces)
            {
                if (content == r.CrashAfter) { await StopAsync(ex, r); return; }
                await Pause(sent++ == 0 ? r.FirstDelay : r.TokenDelay);
                await Event(ex, Chunk(r, Choice(null, J.O(("content", new JString(piece))))));
                content++;
            }
            if (content == r.CrashAfter) { await StopAsync(ex, r); return; }
            await Event(ex, Chunk(r, Choice(J.S(r.Finish), new JObject()),
                ("timings", Timings(r)), ("usage", r.AlwaysUsage ? UsageJson(r) : null)));
            if (r.Usage) await Event(ex, Chunk(r, new JArray(), ("usage", UsageJson(r))));
            await ex.WriteChunkAsync("data: [DONE]\n\n"u8.ToArray());
            await ex.EndChunkedAsync();
            finished = true;
        }
        finally
        {
            Interlocked.Decrement(ref state.Stats.ActiveStreams);
            if (finished) Interlocked.Increment(ref state.Stats.CompletedStreams);
            else Interlocked.Increment(ref state.Stats.AbortedStreams);
        }
    }

    // A crashed runner closes at once (no final chunk, no terminator); a stalled one sends nothing more until the client leaves.
    private static async Task StopAsync(HttpExchange ex, Reply r)
    {
        if (r.Stall) await ex.WaitForClientGoneAsync();
        ex.Close();
    }

    private static Task Pause(int ms) => ms > 0 ? Task.Delay(ms) : Task.CompletedTask;

    private static async Task WholeAsync(HttpExchange ex, Reply r)
    {
        if (r.CrashAfter >= 0) { await StopAsync(ex, r); return; }
        await Pause(r.FirstDelay);
        await Pause(r.TokenDelay * Math.Max(0, r.Pieces.Count - 1));
        var message = J.O(("role", J.S("assistant")), ("content", new JString(r.Pieces.SelectMany(p => p).ToArray())));
        if (r.Reasoning.Count > 0) message.Set("reasoning_content", new JString(r.Reasoning.SelectMany(p => p).ToArray()));
        var body = J.O(
            ("choices", J.A(J.O(("finish_reason", J.S(r.Finish)), ("index", J.N(0)), ("message", message)))),
            ("created", J.N(r.Created)),
            ("model", J.S(r.Model)),
            ("system_fingerprint", J.S(Fingerprint)),
            ("object", J.S("chat.completion")),
            ("usage", UsageJson(r)),
            ("id", J.S(r.Id)),
            ("timings", Timings(r)));
        await ex.SendAsync(200, "application/json; charset=utf-8", LlamaJson.ToBytes(body));
    }
}
