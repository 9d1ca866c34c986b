using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model inspect [--openai] [-r] MODEL` (reference 2.2).</summary>
public static class InspectCommand
{
    public static readonly CommandSpec Spec = new("inspect", "inspect MODEL", "Display detailed information on one model",
    [
        new FlagSpec("openai", null, true, "List model in an OpenAI format"),
        new FlagSpec("remote", 'r', true, "Show info for remote models"),
    ]);

    public static void Run(PluginContext ctx, CommandSpec spec, ParsedArgs a)
    {
        if (a.Positionals.Count != 1) throw CommandLine.ArgCountError(spec, "1", "MODEL", ctx.Legacy);
        bool openai = a.Flag("openai"), remote = a.Flag("remote");
        if (openai && remote) throw new CliException("--remote flag cannot be used with --openai flag");
        var model = a.Positionals[0];
        ctx.AutoInstallNoise();
        var prefix = "Failed to get model " + model;
        try
        {
            var path = (openai ? "/engines/v1/models/" : "/models/") + LegacyModelId.Resolve(ctx, model) + (remote ? "?remote=true" : "");
            using var resp = ctx.Client.Send("GET", path);
            if (resp.Status == 404) throw new CliException($"{prefix}: {model}: model not found");
            if (resp.Status != 200) throw new CliException($"{prefix}: failed to list models: {resp.StatusText}");
            JNode m;
            try { m = JsonParser.Parse(resp.ReadAll()); }
            catch (JsonParseException e) { throw new CliException($"{prefix}: failed to unmarshal response body: {e.Message}"); }
            ctx.Out.Write(JsonOut.Pretty(openai ? ListCommand.OpenAiModelProjection(m) : ListCommand.ModelProjection(m)));
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, prefix);
        }
    }
}
