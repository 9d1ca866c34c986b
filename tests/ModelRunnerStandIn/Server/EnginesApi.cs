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
        var list = state.Store.Running().Select(r => (JNode)J.O(
            ("backend_name", J.S("llama.cpp")),
            ("model_name", J.S(r.ModelName)),
            ("mode", J.S("completion")),
            ("last_used", J.S(GoFormat.Rfc3339Nano(r.InUse > 0 ? DateTime.MinValue : r.LastUsed))),
            ("in_use", r.InUse > 0 ? JBool.True : null)));
        return ex.SendJsonAsync(200, J.A(list));
    }

    public Task DfAsync(HttpExchange ex) => ex.SendJsonAsync(200, J.O(
        ("models_disk_usage", J.N(state.Store.DiskUsage())),
        ("default_backend_disk_usage", J.N(45_121_536))));

    public Task UnloadAsync(HttpExchange ex)
    {
        JNode body;
        try { body = JsonParser.Parse(ex.Request.Body); }
        catch (JsonParseException) { return ex.SendTextAsync(400, "invalid request body"); }
        bool all = body["all"]?.Bool ?? false;
        var models = (body["models"] as JArray)?.Items.Select(i => i.Str ?? "").ToList() ?? [];
        int n = state.Store.Unload(all, models);
        return ex.SendJsonAsync(200, J.O(("unloaded_runners", J.N(n))));
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
