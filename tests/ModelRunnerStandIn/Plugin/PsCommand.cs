using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model ps` (reference 2.3).</summary>
public static class PsCommand
{
    public static readonly CommandSpec Spec = new("ps", "ps", "List running models", []);

    public static void Run(PluginContext ctx)
    {
        ctx.AutoInstallNoise();
        JArray list;
        try
        {
            using var resp = ctx.Client.Send("GET", "/engines/ps");
            if (resp.Status != 200) throw new CliException($"Failed to list running models: failed to list running models: {resp.StatusText}");
            list = JsonParser.Parse(resp.ReadAll()) as JArray ?? new JArray();
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to list running models");
        }

        var now = DateTime.UtcNow;
        var rows = new List<string[]>();
        foreach (var r in list.Items)
        {
            var name = r["model_name"]?.Str ?? "";
            bool inUse = r["in_use"]?.Bool == true;
            DateTime.TryParse(r["last_used"]?.Str, null, System.Globalization.DateTimeStyles.AdjustToUniversal, out var lastUsed);
            if (ctx.Legacy)
            {
                var when = inUse ? "in use" : GoFormat.HumanDuration(now - lastUsed) + " ago";
                rows.Add([name, r["backend_name"]?.Str ?? "", r["mode"]?.Str ?? "", when]);
                continue;
            }
            string until;
            if (r["loading"]?.Bool == true) until = "Loading...";
            else if (r["keep_alive"]?.Str == "-1") until = "Forever";
            else
            {
                // In use: the keep-alive timer restarts when the request ends, so show a full period.
                var expires = (inUse ? now : lastUsed) + TimeSpan.FromMinutes(5);
                until = expires <= now ? "Expiring" : GoFormat.HumanDuration(expires - now) + " from now";
            }
            rows.Add([DisplayName(name), r["backend_name"]?.Str ?? "", r["mode"]?.Str ?? "", until]);
        }
        ctx.Out.Write(TextTable.Render(["MODEL NAME", "BACKEND", "MODE", ctx.Legacy ? "LAST USED" : "UNTIL"], rows));
    }

    private static string DisplayName(string name)
    {
        if (name.StartsWith("sha256:", StringComparison.Ordinal) && name.Length >= 19) return name[7..19];
        return ModelNames.StripDefaults(name.ToLowerInvariant());
    }
}
