using System.Globalization;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>
/// `docker model configure|config [flags] MODEL [-- RUNTIME-FLAGS...]` (hidden) and `configure show [MODEL]`
/// (cmd/cli/commands/configure*.go). Success prints nothing. Errors are printed without a "Failed to" prefix:
/// a 409 as the runner's body, any other status as `<body> (<status>)`.
/// </summary>
public static class ConfigureCommand
{
    private const string ArgsHelp = "\n\nSee 'docker model configure --help' for more information";

    public static readonly CommandSpec Spec = new("configure",
        "configure [--context-size=<n>] [--speculative-draft-model=<model>] [--hf_overrides=<json>] [--gpu-memory-utilization=<float>] [--mode=<mode>] [--think] [--keep-alive=<duration>] MODEL [-- <runtime-flags...>]",
        "Manage model runtime configurations",
    [
        new FlagSpec("context-size", null, false, "context size (in tokens)"),
        new FlagSpec("speculative-draft-model", null, false, "draft model for speculative decoding"),
        new FlagSpec("speculative-num-tokens", null, false, "number of tokens to predict speculatively"),
        new FlagSpec("speculative-min-acceptance-rate", null, false, "minimum acceptance rate for speculative decoding"),
        new FlagSpec("hf_overrides", null, false, "HuggingFace model config overrides (JSON) - vLLM only"),
        new FlagSpec("gpu-memory-utilization", null, false, "fraction of GPU memory to use for the model executor (0.0-1.0) - vLLM only"),
        new FlagSpec("think", null, true, "enable reasoning mode for thinking models"),
        new FlagSpec("mode", null, false, "backend operation mode (completion, embedding, reranking, image-generation)"),
        new FlagSpec("keep-alive", null, false, "duration to keep model loaded (e.g., '5m', '1h', '0' to unload immediately, '-1' to never unload)"),
    ], ["config"], Hidden: true);

    /// <summary>model-cli 2025: only --context-size (int64, default -1), no `show`.</summary>
    public static readonly CommandSpec LegacySpec = new("configure", "configure [--context-size=<n>] MODEL [-- <runtime-flags...>]",
        "Configure runtime options for a model", [new FlagSpec("context-size", null, false, "context size (in tokens)", "-1")], Hidden: true);

    private static readonly string[] Modes = ["completion", "embedding", "reranking", "image-generation"];

    public static void Run(PluginContext ctx, CommandSpec spec, ParsedArgs a)
    {
        if (!ctx.Legacy && a.DashAt is null or > 0 && a.Positionals.FirstOrDefault() == "show")
        {
            Show(ctx, a);
            return;
        }
        int beforeDash = a.DashAt ?? -1;
        if (beforeDash == -1 && a.Positionals.Count != 1)
            throw new CliException($"Exactly one model must be specified, got {a.Positionals.Count}: [{string.Join(" ", a.Positionals)}]{ArgsHelp}");
        if (beforeDash != -1 && beforeDash != 1)
            throw new CliException($"Exactly one model must be specified before --, got {beforeDash}{ArgsHelp}");

        var model = a.Positionals[0];
        var flags = a.Positionals.Skip(1).Select(f => (JNode)J.S(f)).ToList();
        JObject request = ctx.Legacy
            ? J.O(("model", J.S(model)), ("context-size", J.N(Int(spec, a, "context-size", 64) ?? -1)), ("runtime-flags", flags.Count > 0 ? J.A(flags) : JNull.Instance))
            : Request(spec, a, model, flags);
        ctx.AutoInstallNoise();
        try
        {
            using var resp = ctx.Client.Send("POST", "/engines/_configure", JsonOut.Compact(request));
            var body = resp.ReadText();
            if (resp.Status == 202) return;
            throw new CliException(resp.Status == 409 ? body : $"{body} ({resp.StatusText})");
        }
        catch (GoError e)
        {
            throw QueryError(e);
        }
    }

    private static JObject Request(CommandSpec spec, ParsedArgs a, string model, List<JNode> flags)
    {
        var mode = a.Value("mode") is { Length: > 0 } m
            ? Modes.FirstOrDefault(x => x == m.ToLowerInvariant()) ?? throw new CliException(
                $"invalid mode {GoFormat.Quote(m)}: must be one of completion, embedding, reranking, image-generation")
            : null;
        string? keepAlive = null;
        if (a.Value("keep-alive") is { Length: > 0 } ka)
        {
            var parsed = GoDuration.ParseKeepAlive(ka, out var error) ?? throw new CliException(error!);
            keepAlive = GoFormat.KeepAlive(parsed);
        }
        JNode? think = a.Value("think") switch { "true" => J.O(("reasoning-budget", J.N(-1))), "false" => J.O(("reasoning-budget", J.N(0))), _ => null };
        return J.O(
            ("model", J.S(model)),
            ("mode", mode is null ? null : J.S(mode)),
            ("context-size", Int(spec, a, "context-size", 32) is { } cs ? J.N(cs) : null),
            ("runtime-flags", flags.Count > 0 ? J.A(flags) : null),
            ("keep_alive", keepAlive is null ? null : J.S(keepAlive)),
            ("llamacpp", think));
    }

    private static long? Int(CommandSpec spec, ParsedArgs a, string flag, int bits)
    {
        var text = a.Value(flag);
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            && (bits == 64 || (n >= int.MinValue && n <= int.MaxValue)))
            return n;
        var why = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? "value out of range" : "invalid syntax";
        throw CommandLine.FlagError(spec,
            $"invalid argument {GoFormat.Quote(text)} for {GoFormat.Quote("--" + flag)} flag: strconv.ParseInt: parsing {GoFormat.Quote(text)}: {why}");
    }

    /// <summary>`configure show [MODEL]`: json.MarshalIndent(configs, "", " ") and a newline.</summary>
    private static void Show(PluginContext ctx, ParsedArgs a)
    {
        var rest = a.Positionals.Skip(1).ToList();
        if (rest.Count > 1) throw new CliException($"accepts at most 1 arg(s), received {rest.Count}");
        var path = "/engines/_configure" + (rest.Count == 1 ? "?model=" + Uri.EscapeDataString(rest[0]) : "");
        ctx.AutoInstallNoise();
        try
        {
            using var resp = ctx.Client.Send("GET", path);
            var body = resp.ReadText();
            if (resp.Status != 200) throw new CliException($"listing configs failed with status {resp.StatusText}: {body}");
            var configs = JsonParser.Parse(body);
            ctx.Out.Write(new JsonOut { Indent = " " }.ToBytes(configs is JArray ? configs : new JArray(), newline: true));
        }
        catch (GoError e)
        {
            throw QueryError(e);
        }
    }

    // ConfigureBackend and ShowConfigs return handleQueryError's error as it is: no "Failed to" prefix, and a 503 is
    // desktop.ErrServiceUnavailable's bare text (handleClientError, which prints the not-running block, is not called).
    private static CliException QueryError(GoError e) => new(e.Message);
}
