using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>The /engines management routes, the OpenAI model list, `/` and `/version` (reference section 7.2).</summary>
public sealed class EnginesApi(ServerState state)
{
    public const string RunnerVersion = "v1.2.6";

    // Go sorts map keys when it marshals /engines/status.
    private static readonly JObject BackendStatus = J.O(
        ("diffusers", J.S("Not Installed")),
        ("llama.cpp", J.S("Running: llama.cpp latest-cpu (sha256:48883a67749cbe5343eacdc666bb1348ea70a55e3702b50059e20e6468ae7be1) e365e65")),
        ("vllm", J.S("Not Installed")));

    public Task RootAsync(HttpExchange ex) =>
        ex.SendAsync(200, "text/plain; charset=utf-8", "Docker Model Runner is running"u8.ToArray());

    public Task VersionAsync(HttpExchange ex) => ex.SendJsonAsync(200, J.O(("version", J.S(RunnerVersion))));

    public Task StatusAsync(HttpExchange ex) => ex.SendJsonAsync(200, BackendStatus);

    public Task PsAsync(HttpExchange ex)
    {
        var list = state.Runners.Status().Select(r => (JNode)J.O(
            ("backend_name", J.S(Runners.Backend)),
            ("model_name", J.S(r.ModelName)),
            ("mode", J.S(r.Mode)),
            ("last_used", J.S(GoFormat.Rfc3339Nano(r.InUse || r.Loading ? DateTime.MinValue : r.LastUsed))),
            ("in_use", r.InUse && !r.Loading ? JBool.True : null),
            ("loading", r.Loading ? JBool.True : null),
            ("keep_alive", r.KeepAlive is { } k ? J.S(GoFormat.KeepAlive(k)) : null)));
        return ex.SendJsonAsync(200, J.A(list));
    }

    public Task DfAsync(HttpExchange ex) => ex.SendJsonAsync(200, J.O(
        ("models_disk_usage", J.N(state.Store.DiskUsage())),
        ("default_backend_disk_usage", J.N(45_121_536))));

    public Task UnloadAsync(HttpExchange ex)
    {
        JNode body;
        try { body = JsonParser.Parse(ex.Request.Body); }
        catch (JsonParseException) { return ex.SendTextAsync(400, "invalid request"); }
        bool all = body["all"]?.Bool ?? false;
        var models = (body["models"] as JArray)?.Items.Select(i => i.Str ?? "").ToList() ?? [];
        int n = state.Runners.Unload(all, body["backend"]?.Str ?? "", models);
        return ex.SendJsonAsync(200, J.O(("unloaded_runners", J.N(n))));
    }

    /// <summary>
    /// POST /engines/_configure (scheduler.ConfigureRunner): 202, then the model is preloaded in the background;
    /// 409 when the model's runner is busy; 500 for a runtime flag the backend's allowlist refuses.
    /// </summary>
    public async Task ConfigureAsync(HttpExchange ex)
    {
        JNode body;
        try { body = JsonParser.Parse(ex.Request.Body); }
        catch (JsonParseException) { await ex.SendTextAsync(400, "invalid request"); return; }
        var model = body["model"]?.Str ?? "";
        TimeSpan? keepAlive = null;
        if (body["keep_alive"] is { } ka)
        {
            keepAlive = ka.Str is { } kaText ? GoDuration.ParseKeepAlive(kaText, out var kaError) : null;
            if (keepAlive is null) { await ex.SendTextAsync(400, "invalid request"); return; }
        }
        var flags = (body["runtime-flags"] as JArray)?.Items.Select(i => i.Str ?? "").ToList() ?? [];
        if (flags.Count == 0 && body["raw-runtime-flags"]?.Str is { Length: > 0 } raw)
            flags = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (RuntimeFlags.Validate(flags) is { } flagError) { await ex.SendTextAsync(500, flagError); return; }
        long? contextSize = body["context-size"]?.Long;
        var config = new RunnerConfig(body["mode"]?.Str ?? (flags.Contains("--embeddings") ? "embedding" : "completion"),
            contextSize is { } cs and >= 0 ? (int)cs : null, flags, keepAlive, (int?)body["llamacpp"]?["reasoning-budget"]?.Long);
        if (state.Runners.Configure(model, config) is { } conflict) { await ex.SendTextAsync(409, conflict); return; }
        if (state.Store.Find(model) is not null)
        {
            var cfg = state.Config;
            _ = Task.Run(() => new ChatCompletions(state).PreloadAsync(model, cfg));
        }
        await ex.SendAsync(202, null, []);
    }

    /// <summary>GET /engines/_configure[?model=]: ModelConfigEntry as Go marshals it (no json tags: capitalised keys).</summary>
    public Task ConfigurationsAsync(HttpExchange ex)
    {
        var model = ex.Request.Query.TryGetValue("model", out var m) && m.Length > 0 ? m : null;
        var list = state.Runners.Configurations(model).Select(c => (JNode)J.O(
            ("Backend", J.S(Runners.Backend)),
            ("Model", J.S(c.Model.Tags.Count > 0 ? c.Model.Tags[0] : "")),
            ("ModelID", J.S(c.Model.Artifact.Id)),
            ("Mode", J.S(c.Config.Mode)),
            ("Config", c.Config.ToJson())));
        return ex.SendJsonAsync(200, J.A(list));
    }

    public static JObject OpenAiModel(InstalledModel m)
    {
        var a = m.Artifact;
        return J.O(
            ("id", J.S(m.Tags.Count > 0 ? m.Tags[0] : a.Id)),
            ("object", J.S("model")),
            ("created", J.N(a.Created)),
            ("owned_by", J.S("docker")),
            ("dmr", J.O(
                ("architecture", J.S(a.Architecture)),
                ("parameters", J.S(a.Parameters)),
                ("quantization", J.S(a.Quantization)),
                ("size", J.S(a.Size)))));
    }

    public Task OpenAiListAsync(HttpExchange ex) => ex.SendJsonAsync(200, J.O(
        ("object", J.S("list")),
        ("data", J.A(state.Store.Snapshot().Select(m => (JNode)OpenAiModel(m))))));

    public Task OpenAiGetAsync(HttpExchange ex, string name)
    {
        var m = state.Store.Find(name);
        return m is null ? ex.SendTextAsync(404, "model not found") : ex.SendJsonAsync(200, OpenAiModel(m));
    }
}
