using System.Globalization;
using System.Text;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>
/// POST /engines/v1/embeddings: the runner's checks (model required, model local), then llama.cpp's OpenAI-compatible
/// answer. The vectors are deterministic and meaningful enough for a search demo: hashed character trigrams, L2-normalised,
/// so texts that share words point the same way. `embeddingDimensions` sets their length (llama.cpp ignores `dimensions`).
/// </summary>
public sealed class Embeddings(ServerState state)
{
    public async Task HandleAsync(HttpExchange ex)
    {
        var req = ex.Request;
        state.Record(req.Body);
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
        if (state.TakeFault(Faults.Oom)) { await ex.SendTextAsync(500, Faults.OomBody); return; }
        if (state.TakeFault(Faults.Http429)) { await Json(ex, 429, Faults.Http429Body, [("Retry-After", "1")]); return; }
        if (state.TakeFault(Faults.Http500)) { await Json(ex, 500, Faults.Http500Body); return; }

        var inputs = body["input"] switch
        {
            JString s => [s.Text],
            JArray a when a.Items.All(i => i is JString) => a.Items.Select(i => i.Str!).ToList(),
            _ => (List<string>?)null,
        };
        if (inputs is null || inputs.Count == 0 || inputs.Any(string.IsNullOrEmpty))
        {
            await Json(ex, 400, "{\"error\":{\"code\":400,\"message\":\"Input content cannot be empty\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        int dims = state.Config.EmbeddingDimensions;
        long tokens = inputs.Sum(t => (Encoding.UTF8.GetByteCount(t) + 3) / 4 + 1);
        var data = inputs.Select((text, i) => (JNode)J.O(
            ("embedding", J.A(Vector(text, dims).Select(v => (JNode)new JNumber(v.ToString("R", CultureInfo.InvariantCulture))))),
            ("index", J.N(i)),
            ("object", J.S("embedding"))));
        await ex.SendJsonAsync(200, J.O(
            ("model", J.S(model)),
            ("object", J.S("list")),
            ("usage", J.O(("prompt_tokens", J.N(tokens)), ("total_tokens", J.N(tokens)))),
            ("data", J.A(data))));
    }

    public static float[] Vector(string text, int dims)
    {
        var v = new float[dims];
        var s = " " + text.ToLowerInvariant() + " ";
        for (int i = 0; i + 3 <= s.Length; i++)
        {
            uint h = 2166136261;
            for (int k = i; k < i + 3; k++) h = (h ^ s[k]) * 16777619;
            v[h % (uint)dims] += (h & 0x80000000) == 0 ? 1f : -1f;
        }
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        if (norm == 0) v[0] = 1;
        else for (int i = 0; i < dims; i++) v[i] = (float)(v[i] / norm);
        return v;
    }

    private static Task Json(HttpExchange ex, int status, string json, IEnumerable<(string, string)>? headers = null) =>
        ex.SendAsync(status, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(json), headers);
}
