using System.Text;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model status [--json]` (reference 2.5): GET /models decides running, then GET /engines/status.</summary>
public static class StatusCommand
{
    public static readonly CommandSpec Spec = new("status", "status", "Check if the Docker Model Runner is running",
        [new FlagSpec("json", null, true, "Format output in JSON")]);

    public static void Run(PluginContext ctx, ParsedArgs a)
    {
        ctx.AutoInstallNoise();
        bool running;
        byte[] statusBody = [];
        try
        {
            using var resp = ctx.Client.Send("GET", "/models");
            if (resp.Status != 200) throw new CliException($"Failed to get Docker Model Runner status: unexpected status code: {resp.Status}");
            running = true;
            try
            {
                using var st = ctx.Client.Send("GET", "/engines/status");
                statusBody = st.ReadAll();
            }
            catch (GoError e)
            {
                statusBody = Encoding.UTF8.GetBytes("error querying status: " + e.Message);
            }
        }
        catch (GoError e) when (e.Unavailable)
        {
            running = false;
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to get Docker Model Runner status");
        }

        if (statusBody.Length == 0) statusBody = "{}"u8.ToArray();
        JObject? backends = null;
        try
        {
            if (JsonParser.Parse(statusBody) is JObject o)
            {
                backends = new JObject();
                foreach (var p in o.Props.OrderBy(p => p.Key, StringComparer.Ordinal)) backends.Props.Add(new(p.Key, J.S(p.Value.Str ?? "")));
            }
        }
        catch (JsonParseException e)
        {
            ctx.Err.Line("failed to parse status response: " + e.Message);
        }

        if (a.Flag("json"))
        {
            var endpoint = ctx.Client.Url(ctx.Legacy ? "/engines/v1/" : "/v1/");
            JObject json = ctx.Legacy
                ? J.O(("running", J.B(running)), ("backends", (JNode?)backends ?? JNull.Instance), ("endpoint", J.S(endpoint)))
                : J.O(("running", J.B(running)), ("backends", (JNode?)backends ?? JNull.Instance), ("kind", J.S(ctx.EngineKind)),
                    ("endpoint", J.S(endpoint)), ("endpointHost", J.S(ctx.EngineKind == "Docker Desktop" ? DesktopEndpointHost : endpoint)));
            ctx.Out.Write([.. JsonOut.Compact(json), (byte)'\n']);
            return;
        }

        if (!running)
        {
            ctx.Out.Write("Docker Model Runner is not running\n" + PluginContext.NextSteps);
            throw new ExitException(1);
        }
        ctx.Out.Write("Docker Model Runner is running\n\n");
        var entries = backends?.Props.Select(p => (Name: p.Key, Text: p.Value.Str ?? "")).ToList() ?? [];
        if (ctx.Legacy)
        {
            var sb = new StringBuilder("Status:\n");
            foreach (var (name, text) in entries.Where(e => e.Text != "not running")) sb.Append(name).Append(": ").Append(text).Append('\n');
            ctx.Out.Write(sb.ToString());
            return;
        }
        var rows = entries.Select(e => ParseStatus(e.Name, e.Text))
            .OrderBy(r => r.Order).ThenBy(r => r.Row[0], StringComparer.Ordinal)
            .Select(r => r.Row);
        ctx.Out.Write(TextTable.Render(["BACKEND", "STATUS", "DETAILS"], rows));
    }

    // Docker Desktop reports its API relative to the Docker socket (reference 2.5), not a TCP URL.
    private const string DesktopEndpointHost = "http://localhost/exp/vDD4.40/v1/";

    private static readonly string[] Kinds = ["Running", "Error", "Not Installed", "Installing"];

    /// <summary>inference.ParseStatus: "Kind[: details]"; sorted Running, Error, Not Installed, Installing, other.</summary>
    private static (int Order, string[] Row) ParseStatus(string name, string text)
    {
        for (int i = 0; i < Kinds.Length; i++)
        {
            if (text == Kinds[i]) return (i, [name, Kinds[i], ""]);
            if (text.StartsWith(Kinds[i] + ": ", StringComparison.Ordinal)) return (i, [name, Kinds[i], text[(Kinds[i].Length + 2)..]]);
        }
        return (4, [name, text, ""]);
    }
}
