using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>
/// model-cli v0.1.42's Client.Inspect (used by `inspect` and by `run` before it chats): a name without '/' is taken
/// for a model ID and expanded to the full ID (fullModelID); a name that is no installed model's ID fails with
/// "invalid model name: NAME", whatever went wrong. So `run smollm2` fails there, where HEAD normalizes the name.
/// </summary>
public static class LegacyModelId
{
    public static string Resolve(PluginContext ctx, string model)
    {
        if (!ctx.Legacy || model.Trim('/').Contains('/')) return model;
        try
        {
            using var resp = ctx.Client.Send("GET", "/models");
            if (resp.Status == 200 && JsonParser.Parse(resp.ReadAll()) is JArray models)
            {
                foreach (var m in models.Items)
                {
                    var id = m["id"]?.Str ?? "";
                    if ((id.Length >= 19 && id[7..19] == model) || id == "sha256:" + model || id == model) return id;
                }
            }
        }
        catch (Exception e) when (e is GoError or JsonParseException) { }
        throw new GoError($"invalid model name: {model}");
    }
}
