using System.Text;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model pull MODEL` with the non-TTY progress lines and the retries of reference section 4.</summary>
public static class PullCommand
{
    public const int MaxRetries = 4;

    public static readonly CommandSpec Spec = new("pull", "pull MODEL", "Pull a model from Docker Hub or HuggingFace to your local environment", []);

    public static void Run(PluginContext ctx, CommandSpec spec, ParsedArgs a)
    {
        if (a.Positionals.Count != 1) throw CommandLine.ArgCountError(spec, "1", "MODEL", ctx.Legacy);
        ctx.AutoInstallNoise();
        Pull(ctx, a.Positionals[0]);
    }

    /// <summary>pullModel: progress, then the server's final message on its own line. Also used by `run`.</summary>
    public static void Pull(PluginContext ctx, string model)
    {
        try
        {
            var (message, shown) = ctx.Legacy ? Attempt(ctx, model) : WithRetries(ctx, model);
            if (ctx.Legacy && shown) ctx.Out.Line();
            ctx.Out.Line(message);
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to pull model");
        }
    }

    private static (string, bool) WithRetries(PluginContext ctx, string model)
    {
        GoError? last = null;
        for (int attempt = 0; attempt <= MaxRetries; attempt++)
        {
            if (attempt > 0)
            {
                int delay = ctx.Config.RetryBaseMs << (attempt - 1);
                ctx.Out.Line();
                ctx.Err.Line($"Retrying download (attempt {attempt}/{MaxRetries}) in {GoFormat.Duration(delay)}...");
                Thread.Sleep(delay);
            }
            try
            {
                return Attempt(ctx, model);
            }
            catch (GoError e) when (e.Retryable)
            {
                last = e;
            }
        }
        // Keep the 503 identity so the caller prints the not-running block.
        if (last!.Unavailable) throw last;
        throw new GoError($"download failed after {MaxRetries} retries: {last.Message}");
    }

    private static (string Message, bool Shown) Attempt(PluginContext ctx, string model)
    {
        var request = JsonOut.Compact(J.O(("from", J.S(model))));
        using var resp = ctx.Client.Send("POST", "/models/create", request);
        if (resp.Status != 200)
        {
            var body = resp.ReadText().Trim();
            bool retry = resp.Status is 502 or 504;
            throw new GoError($"pulling {model} failed with status {resp.StatusText}: {body}", retryable: retry);
        }

        // displayProgressSimple: "Downloaded <sum of layer.current> of <total>" per progress message.
        var layers = new Dictionary<string, long>();
        string final = "";
        bool shown = false;
        var lines = resp.Lines();
        while (lines.ReadLine() is { } raw)
        {
            if (raw.Length == 0) continue;
            JNode msg;
            try { msg = JsonParser.Parse(Encoding.UTF8.GetBytes(HtmlUnescape(Encoding.UTF8.GetString(raw)))); }
            catch (JsonParseException) { continue; }
            switch (msg["type"]?.Str)
            {
                case "progress":
                    shown = true;
                    layers[msg["layer"]?["id"]?.Str ?? ""] = msg["layer"]?["current"]?.Long ?? 0;
                    long current = layers.Values.Sum();
                    ctx.Out.Line($"Downloaded {GoFormat.DecimalSize(current)} of {GoFormat.DecimalSize(msg["total"]?.Long ?? 0)}");
                    break;
                case "success":
                    final = msg["message"]?.Str ?? "";
                    break;
                case "warning":
                    ctx.Err.Line("Warning: " + msg["message"]?.Str);
                    break;
                case "error":
                    var text = msg["message"]?.Str ?? "";
                    throw new GoError(ctx.Legacy ? "error pulling model: " + text : text);
            }
        }
        return (final, shown);
    }

    /// <summary>html.UnescapeString for what the server's escaping produces.</summary>
    private static string HtmlUnescape(string s)
    {
        if (!s.Contains('&')) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '&')
            {
                int semi = s.IndexOf(';', i);
                if (semi > i && semi - i <= 10)
                {
                    var entity = s[(i + 1)..semi];
                    string? rep = entity switch
                    {
                        "amp" => "&", "lt" => "<", "gt" => ">", "quot" => "\"", "apos" => "'",
                        _ when entity.StartsWith("#x", StringComparison.OrdinalIgnoreCase) &&
                               int.TryParse(entity[2..], System.Globalization.NumberStyles.HexNumber, null, out var hx) => char.ConvertFromUtf32(hx),
                        _ when entity.StartsWith('#') && int.TryParse(entity[1..], out var dec) => char.ConvertFromUtf32(dec),
                        _ => null,
                    };
                    if (rep is not null)
                    {
                        sb.Append(rep);
                        i = semi;
                        continue;
                    }
                }
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
