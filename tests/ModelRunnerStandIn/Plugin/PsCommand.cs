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
            if (lastUsed.Year == 1) lastUsed = DateTime.MinValue; // Go's zero time
            if (ctx.Legacy)
            {
                var when = inUse ? "in use" : GoFormat.HumanDuration(now - lastUsed) + " ago";
                rows.Add([name, r["backend_name"]?.Str ?? "", r["mode"]?.Str ?? "", when]);
                continue;
            }
            rows.Add([DisplayName(name), r["backend_name"]?.Str ?? "", r["mode"]?.Str ?? "", Until(r, lastUsed, now)]);
        }
        ctx.Out.Write(TextTable.Render(["MODEL NAME", "BACKEND", "MODE", ctx.Legacy ? "LAST USED" : "UNTIL"], rows));
    }

    /// <summary>formatUntil: the keep-alive (5 minutes unless configured) counted from the last use.</summary>
    private static string Until(JNode r, DateTime lastUsed, DateTime now)
    {
        if (r["loading"]?.Bool == true) return "Loading...";
        var keepAlive = r["keep_alive"]?.Str is { } ka ? GoDuration.ParseKeepAlive(ka, out _) ?? DefaultKeepAlive : DefaultKeepAlive;
        if (keepAlive < TimeSpan.Zero) return "Forever";
        if (r["in_use"]?.Bool == true || lastUsed == DateTime.MinValue) return GoFormat.HumanDuration(keepAlive) + " from now";
        var remaining = keepAlive - (now - lastUsed);
        return remaining <= TimeSpan.Zero ? "Expiring" : GoFormat.HumanDuration(remaining) + " from now";
    }

    private static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromMinutes(5);

    private static string DisplayName(string name)
    {
        if (name.StartsWith("sha256:", StringComparison.Ordinal) && name.Length >= 19) return name[7..19];
        return ModelNames.StripDefaults(name.ToLowerInvariant());
    }
}
