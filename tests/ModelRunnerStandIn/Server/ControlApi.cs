using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>/_standin/*: switches for tests. Not part of the real runner; never faulted.</summary>
public sealed class ControlApi(ServerState state)
{
    public async Task HandleAsync(HttpExchange ex)
    {
        var req = ex.Request;
        switch (req.Method, req.Path)
        {
            case ("GET", "/_standin/config"):
                await ex.SendJsonAsync(200, state.Config.ToJson());
                return;
            case ("POST", "/_standin/config"):
                if (ParseObject(req.Body) is not { } patch) { await ex.SendTextAsync(400, "body must be a JSON object"); return; }
                var error = state.Configure(patch);
                if (error is not null) { await ex.SendTextAsync(400, error); return; }
                await ex.SendJsonAsync(200, state.Config.ToJson());
                return;
            case ("POST", "/_standin/reset"):
                string[]? installed = null;
                if (req.Body.Length > 0)
                {
                    if (ParseObject(req.Body)?["installed"] is JArray list) installed = list.Items.Select(i => i.Str ?? "").ToArray();
                }
                state.Reset(installed);
                await ex.SendJsonAsync(200, state.Config.ToJson());
                return;
            case ("POST", "/_standin/repush"):
                var tag = ParseObject(req.Body)?["tag"]?.Str;
                if (tag is null || state.Repush(ModelNames.Normalize(tag)) is not { } art) { await ex.SendTextAsync(404, "no such tag in the catalog"); return; }
                await ex.SendJsonAsync(200, J.O(("id", J.S(art.Id))));
                return;
            case ("GET", "/_standin/requests"):
                await ex.SendJsonAsync(200, state.Recorded());
                return;
            case ("DELETE", "/_standin/requests"):
                state.ClearRecorded();
                await ex.SendJsonAsync(200, new JArray());
                return;
            case ("GET", "/_standin/stats"):
                await ex.SendJsonAsync(200, state.Stats.ToJson());
                return;
            default:
                await ex.SendTextAsync(404, "404 page not found");
                return;
        }
    }

    private static JObject? ParseObject(byte[] body)
    {
        try { return JsonParser.Parse(body) as JObject; }
        catch (JsonParseException) { return null; }
    }
}
