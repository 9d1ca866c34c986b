using System.Globalization;
using System.Text;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>The /models routes (reference section 7.1).</summary>
public sealed class ModelsApi(ServerState state)
{
    public static JObject ModelJson(InstalledModel m, bool withTags = true)
    {
        var a = m.Artifact;
        JObject? gguf = null;
        if (a.Gguf is not null)
        {
            gguf = new JObject();
            foreach (var (k, v) in a.Gguf.OrderBy(p => p.Key, StringComparer.Ordinal)) gguf.Props.Add(new(k, J.S(v)));
        }
        return J.O(
            ("id", J.S(a.Id)),
            ("tags", withTags && m.Tags.Count > 0 ? J.A(m.Tags.Select(t => (JNode)J.S(t))) : null),
            ("created", J.N(a.Created)),
            ("config", J.O(
                ("format", J.S(a.Format)),
                ("quantization", J.S(a.Quantization)),
                ("parameters", J.S(a.Parameters)),
                ("architecture", J.S(a.Architecture)),
                ("size", J.S(a.Size)),
                ("gguf", gguf))));
    }

    public Task ListAsync(HttpExchange ex) =>
        ex.SendJsonAsync(200, J.A(state.Store.Snapshot().Select(m => (JNode)ModelJson(m))));

    public Task GetAsync(HttpExchange ex, string name)
    {
        if (ex.Request.Query.TryGetValue("remote", out var remote) && remote == "true")
        {
            // A remote inspect describes the registry artifact: no local tags.
            var tag = ModelNames.Normalize(name);
            return state.RegistryArtifact(tag) is { } art
                ? ex.SendJsonAsync(200, ModelJson(new InstalledModel(art, []), withTags: false))
                : ex.SendTextAsync(404, "model not found");
        }
        var m = state.Store.Find(name);
        return m is null ? ex.SendTextAsync(404, "model not found") : ex.SendJsonAsync(200, ModelJson(m));
    }

    public Task DeleteAsync(HttpExchange ex, string name)
    {
        bool force = ex.Request.Query.TryGetValue("force", out var f) && f == "true";
        var result = state.Store.Delete(name, force);
        if (result.Error is not null) return ex.SendTextAsync(result.Status, result.Error);
        foreach (var (kind, id) in result.Actions)
            if (kind == "Deleted") state.Runners.Forget(id);
        var body = J.A(result.Actions.Select(a => (JNode)J.O((a.Kind, J.S(a.Value)))));
        return ex.SendJsonAsync(200, body);
    }

    /// <summary>POST /models/create: NDJSON progress, HTML-escaped text/plain unless Accept: application/json.</summary>
    public async Task CreateAsync(HttpExchange ex)
    {
        Interlocked.Increment(ref state.Stats.Pulls);
        string? from;
        try { from = JsonParser.Parse(ex.Request.Body)["from"]?.Str; }
        catch (JsonParseException) { await ex.SendTextAsync(400, "invalid request body"); return; }
        if (string.IsNullOrWhiteSpace(from)) { await ex.SendTextAsync(400, "Invalid model reference"); return; }

        if (state.TakeFault(Faults.PullInvalidReference)) { await ex.SendTextAsync(400, "Invalid model reference"); return; }
        var tag = ModelNames.Normalize(from);
        if (state.TakeFault(Faults.PullFails)) { await ex.SendTextAsync(500, Faults.PullFailsBody(tag)); return; }
        if (state.TakeFault(Faults.PullRegistryUnreachable)) { await ex.SendTextAsync(500, Faults.PullRegistryUnreachableBody(tag)); return; }
        if (state.RegistryArtifact(tag) is not { } art) { await ex.SendTextAsync(404, "Model not found"); return; }

        bool json = (ex.Request.Header("Accept") ?? "").Contains("application/json", StringComparison.OrdinalIgnoreCase);
        await ex.BeginChunkedAsync(200, json ? "application/json" : "text/plain; charset=utf-8");

        if (state.Store.IsArtifactInstalled(art))
        {
            state.Store.Add(tag, art);
            await SendLine(ex, json, Final("success", "Using cached model: " + art.Size));
            await ex.EndChunkedAsync();
            return;
        }

        var cfg = state.Config;
        bool failMidway = state.TakeFault(Faults.PullStreamError);
        if (state.TakeFault(Faults.PullStall))
        {
            // A download that stops moving: what a client's time limit is for. The runner notices when the client leaves.
            await SendLine(ex, json, Progress(art, art.LayerDigest, art.ModelBytes, art.ModelBytes / 8));
            await ex.WaitForClientGoneAsync();
            Interlocked.Increment(ref state.Stats.AbortedPulls);
            ex.Close();
            return;
        }
        const int steps = 8;
        for (int k = 1; k <= steps; k++)
        {
            if (failMidway && k == 4)
            {
                await SendLine(ex, json, Final("error", Faults.PullStreamErrorMessage));
                await ex.EndChunkedAsync();
                return;
            }
            await Delay(cfg.PullStepDelayMs);
            await SendLine(ex, json, Progress(art, art.LayerDigest, art.ModelBytes, art.ModelBytes * k / steps));
        }
        await Delay(cfg.PullStepDelayMs);
        await SendLine(ex, json, Progress(art, Catalog.LicenseDigest, art.LicenseBytes, art.LicenseBytes));
        state.Store.Add(tag, art);
        await SendLine(ex, json, Final("success", "Model pulled successfully"));
        await ex.EndChunkedAsync();
    }

    private static Task Delay(int ms) => ms > 0 ? Task.Delay(ms) : Task.CompletedTask;

    private static JObject Progress(Artifact art, string layer, long size, long current) => J.O(
        ("type", J.S("progress")),
        ("message", J.S("Downloaded: " + (current / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MB")),
        ("total", J.N(art.TotalBytes)),
        ("layer", J.O(("id", J.S(layer)), ("size", J.N(size)), ("current", J.N(current)))),
        ("mode", J.S("pull")));

    private static JObject Final(string type, string message) => J.O(
        ("type", J.S(type)),
        ("message", J.S(message)),
        ("total", J.N(0)),
        ("layer", J.O(("size", J.N(0)), ("current", J.N(0)))),
        ("mode", J.S("pull")));

    private static Task SendLine(HttpExchange ex, bool json, JObject msg)
    {
        var line = Encoding.UTF8.GetString(JsonOut.Compact(msg));
        if (!json) line = HtmlEscape(line); // the server's text/plain mode escapes every line (html.EscapeString)
        return ex.WriteChunkAsync(Encoding.UTF8.GetBytes(line + "\n"));
    }

    public static string HtmlEscape(string s) => s
        .Replace("&", "&amp;").Replace("'", "&#39;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&#34;");
}
