using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model unload|stop (MODEL... | --all) [--backend B]`.</summary>
public static class UnloadCommand
{
    public static readonly CommandSpec Spec = new("unload", "unload (MODEL [MODEL ...] [--backend BACKEND] | --all)", "Unload running models",
    [
        new FlagSpec("all", null, true, "Unload all running models"),
        new FlagSpec("backend", null, false, "Optional backend to target"),
    ], ["stop"]);

    public static void Run(PluginContext ctx, CommandSpec spec, ParsedArgs a)
    {
        bool all = a.Flag("all");
        if (all && a.Positionals.Count > 0)
        {
            throw new CliException(
                "'docker model unload' does not take MODEL when --all is specified.\n\n" +
                $"Usage:  {spec.UseLine}\n\n" +
                "See 'docker model unload --help' for more information.");
        }
        if (!all && a.Positionals.Count == 0)
        {
            throw new CliException(
                "'docker model unload' requires MODEL unless --all is specified.\n\n" +
                $"Usage:  {spec.UseLine}\n\n" +
                "See 'docker model unload --help' for more information.");
        }
        ctx.AutoInstallNoise();
        var request = J.O(
            ("all", J.B(all)),
            ("backend", J.S(a.Value("backend") ?? "")),
            ("models", a.Positionals.Count > 0 ? J.A(a.Positionals.Select(p => (JNode)J.S(p))) : JNull.Instance));
        long unloaded;
        try
        {
            using var resp = ctx.Client.Send("POST", "/engines/unload", JsonOut.Compact(request));
            var body = resp.ReadText();
            if (resp.Status != 200) throw new GoError($"unloading failed with status {resp.StatusText}: {body}");
            unloaded = JsonParser.Parse(body)["unloaded_runners"]?.Long ?? 0;
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to unload models");
        }
        if (unloaded > 0) ctx.Out.Line($"Unloaded {unloaded} model(s).");
        else ctx.Out.Line(all ? "No models are running." : "No such model(s) running.");
    }
}
