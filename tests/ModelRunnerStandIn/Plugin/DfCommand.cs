using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model df` (reference 2.4). Its error prefix really is "Failed to list running models".</summary>
public static class DfCommand
{
    public static readonly CommandSpec Spec = new("df", "df", "Show Docker Model Runner disk usage", []);

    public static void Run(PluginContext ctx)
    {
        ctx.AutoInstallNoise();
        JNode df;
        try
        {
            using var resp = ctx.Client.Send("GET", "/engines/df");
            if (resp.Status != 200) throw new CliException($"Failed to list running models: failed to get disk usage: {resp.StatusText}");
            df = JsonParser.Parse(resp.ReadAll());
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to list running models");
        }
        var rows = new List<string[]> { new[] { "Models", GoFormat.DecimalSize(df["models_disk_usage"]?.Long ?? 0) } };
        var engine = df["default_backend_disk_usage"]?.Long ?? 0;
        if (engine != 0) rows.Add(["Inference engine", GoFormat.DecimalSize(engine)]);
        ctx.Out.Write(TextTable.Render(["TYPE", "SIZE"], rows));
    }
}
