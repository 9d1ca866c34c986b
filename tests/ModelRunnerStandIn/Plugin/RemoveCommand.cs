using System.Text;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model rm [-f] MODEL...`: `Untagged:`/`Deleted:` lines per model.</summary>
public static class RemoveCommand
{
    public static readonly CommandSpec Spec = new("rm", "rm [MODEL...]", "Remove local models downloaded from Docker Hub",
        [new FlagSpec("force", 'f', true, "Forcefully remove the model")]);

    public static void Run(PluginContext ctx, CommandSpec spec, ParsedArgs a)
    {
        if (a.Positionals.Count < 1) throw CommandLine.ArgCountError(spec, "at least 1", "[MODEL...]", ctx.Legacy);
        bool force = a.Flag("force");
        ctx.AutoInstallNoise();
        var done = new StringBuilder();
        try
        {
            foreach (var model in a.Positionals)
            {
                using var resp = ctx.Client.Send("DELETE", $"/models/{model}?force={(force ? "true" : "false")}");
                var body = resp.ReadText();
                if (resp.Status == 404) throw new GoError($"no such model: {model}");
                if (resp.Status != 200) throw new GoError($"removing {model} failed with status {resp.StatusText}: {body}");
                try
                {
                    if (JsonParser.Parse(body) is JArray actions)
                    {
                        foreach (var act in actions.Items)
                        {
                            if (act["Untagged"]?.Str is { } u) done.Append("Untagged: ").Append(u).Append('\n');
                            if (act["Deleted"]?.Str is { } d) done.Append("Deleted: ").Append(d).Append('\n');
                        }
                    }
                }
                catch (JsonParseException e)
                {
                    done.Append($"Model {model} removed successfully, but failed to parse response: {e.Message}\n");
                }
            }
        }
        catch (GoError e)
        {
            ctx.Out.Write(done.ToString());
            throw PluginContext.ClientError(e, "Failed to remove model");
        }
        ctx.Out.Write(done.ToString());
    }
}
