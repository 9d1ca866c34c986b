using System.Globalization;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model list|ls [--json|--openai|-q] [MODEL]` (reference 2.1).</summary>
public static class ListCommand
{
    public static readonly CommandSpec Spec = new("list", "list [OPTIONS] [MODEL]", "List the models pulled to your local environment",
    [
        new FlagSpec("json", null, true, "List models in a JSON format"),
        new FlagSpec("openai", null, true, "List models in an OpenAI format"),
        new FlagSpec("quiet", 'q', true, "Only show model IDs"),
    ], ["ls"]);

    public static void Run(PluginContext ctx, CommandSpec spec, ParsedArgs a)
    {
        if (a.Positionals.Count > 1) throw new CliException($"accepts at most 1 arg(s), received {a.Positionals.Count}");
        bool json = a.Flag("json"), openai = a.Flag("openai"), quiet = a.Flag("quiet");
        if (openai && quiet) throw new CliException("--quiet flag cannot be used with --openai flag or OpenAI backend");
        var filter = a.Positionals.Count == 1 ? a.Positionals[0] : null;
        ctx.AutoInstallNoise();

        if (openai)
        {
            var list = Fetch(ctx, "/engines/v1/models");
            if (filter is not null && list["data"] is JArray data)
                data.Items.RemoveAll(m => !Matches(m["id"]?.Str ?? "", filter));
            ctx.Out.Write(JsonOut.Pretty(OpenAiList(list)));
            return;
        }

        var models = Fetch(ctx, "/models") as JArray ?? new JArray();
        List<JNode>? kept = models.Items;
        if (filter is not null)
        {
            // A filter that matches nothing leaves Go's slice nil: `--json` prints `null`.
            var matched = models.Items.Where(m => Tags(m).Any(t => Matches(t, filter))).ToList();
            kept = matched.Count > 0 ? matched : null;
        }

        if (json)
        {
            ctx.Out.Write(kept is null ? "null\n"u8 : JsonOut.Pretty(J.A(kept.Select(ModelProjection))));
            return;
        }
        kept ??= [];
        if (quiet)
        {
            foreach (var m in kept) ctx.Out.Write(Id(m)[7..19] + "\n");
            return;
        }
        ctx.Out.Write(ctx.Legacy ? LegacyTable(kept) : Table(kept));
    }

    private static JNode Fetch(PluginContext ctx, string path)
    {
        try
        {
            using var resp = ctx.Client.Send("GET", path);
            if (resp.Status != 200) throw new CliException($"Failed to list models: failed to list models: {resp.StatusText}");
            try { return JsonParser.Parse(resp.ReadAll()); }
            catch (JsonParseException e) { throw new CliException("Failed to list models: failed to unmarshal response body: " + e.Message); }
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to list models");
        }
    }

    /// <summary>The filter rules of the reference: `ai/` added, exact tag with `:`, else the repository.</summary>
    public static bool Matches(string tag, string filter)
    {
        var f = filter.Contains('/') ? filter : "ai/" + filter;
        if (filter.Contains(':')) return tag == ModelNames.Normalize(f);
        return ModelNames.Repository(tag) == ModelNames.Repository(ModelNames.Normalize(f));
    }

    private static IEnumerable<string> Tags(JNode m) =>
        (m["tags"] as JArray)?.Items.Select(t => t.Str ?? "") ?? [];

    private static string Id(JNode m) => m["id"]?.Str ?? "";

    /// <summary>Re-encodes a Model as the CLI's Go struct would: known fields only, in struct order.</summary>
    public static JNode ModelProjection(JNode m)
    {
        var c = m["config"];
        var tags = m["tags"] as JArray;
        JObject? config = c is null ? new JObject() : J.O(
            ("format", NonEmpty(c["format"])),
            ("quantization", NonEmpty(c["quantization"])),
            ("parameters", NonEmpty(c["parameters"])),
            ("architecture", NonEmpty(c["architecture"])),
            ("size", NonEmpty(c["size"])),
            ("gguf", SortedMap(c["gguf"])),
            ("safetensors", SortedMap(c["safetensors"])),
            ("diffusers", SortedMap(c["diffusers"])),
            ("context_size", c["context_size"] is JNumber n ? n : null));
        return J.O(
            ("id", J.S(Id(m))),
            ("tags", tags is { Items.Count: > 0 } ? tags : null),
            ("created", m["created"] is JNumber created ? created : J.N(0)),
            ("config", config));
    }

    private static JNode? NonEmpty(JNode? s) => s is JString { Utf8.Length: > 0 } ? s : null;

    private static JObject? SortedMap(JNode? node)
    {
        if (node is not JObject { Props.Count: > 0 } o) return null;
        var sorted = new JObject();
        foreach (var p in o.Props.OrderBy(p => p.Key, StringComparer.Ordinal)) sorted.Props.Add(p);
        return sorted;
    }

    private static JNode OpenAiList(JNode list) => J.O(
        ("object", list["object"] ?? J.S("list")),
        ("data", J.A(((list["data"] as JArray)?.Items ?? []).Select(OpenAiModelProjection))));

    public static JNode OpenAiModelProjection(JNode m) => J.O(
        ("id", m["id"] ?? J.S("")),
        ("object", m["object"] ?? J.S("model")),
        ("created", m["created"] ?? J.N(0)),
        ("owned_by", m["owned_by"] ?? J.S("docker")),
        ("dmr", m["dmr"] is JObject { Props.Count: > 0 } dmr ? dmr : null));

    private static string ContextOf(JNode m)
    {
        var c = m["config"];
        if (c?["context_size"]?.Long is { } size) return size.ToString(CultureInfo.InvariantCulture);
        var v = c?["gguf"]?["llama.context_length"]?.Str;
        return v is not null && ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n.ToString(CultureInfo.InvariantCulture) : "";
    }

    private static string[] Row(string displayName, JNode m, bool withContext)
    {
        var c = m["config"];
        var created = DateTimeOffset.FromUnixTimeSeconds(m["created"]?.Long ?? 0);
        var age = GoFormat.HumanDuration(DateTimeOffset.UtcNow - created) + " ago";
        var cells = new List<string>
        {
            displayName, c?["parameters"]?.Str ?? "", c?["quantization"]?.Str ?? "", c?["architecture"]?.Str ?? "",
            Id(m).Length >= 19 ? Id(m)[7..19] : "", age,
        };
        if (withContext) cells.Add(ContextOf(m));
        cells.Add(c?["size"]?.Str ?? "");
        return cells.ToArray();
    }

    /// <summary>HEAD: one row per tag, defaults stripped, sorted by base name (the variant-less row first).</summary>
    private static string Table(List<JNode> models)
    {
        var rows = new List<(string Base, bool Variant, string Name, string[] Row)>();
        foreach (var m in models)
        {
            var tags = Tags(m).ToList();
            if (tags.Count == 0) tags.Add("<none>");
            foreach (var t in tags)
            {
                var name = t == "<none>" ? t : ModelNames.StripDefaults(t);
                int slash = name.LastIndexOf('/'), colon = name.LastIndexOf(':');
                bool variant = colon > slash;
                rows.Add((variant ? name[..colon] : name, variant, name, Row(name, m, withContext: true)));
            }
        }
        var sorted = rows
            .OrderBy(r => r.Base, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Variant)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r => r.Row);
        return TextTable.Render(
            ["MODEL NAME", "PARAMETERS", "QUANTIZATION", "ARCHITECTURE", "MODEL ID", "CREATED", "CONTEXT", "SIZE"], sorted);
    }

    /// <summary>model-cli 2025: no CONTEXT column, full tag names, store order.</summary>
    private static string LegacyTable(List<JNode> models)
    {
        var rows = new List<string[]>();
        foreach (var m in models)
        {
            var tags = Tags(m).ToList();
            if (tags.Count == 0) tags.Add("<none>");
            rows.AddRange(tags.Select(t => Row(t, m, withContext: false)));
        }
        return TextTable.Render(["MODEL NAME", "PARAMETERS", "QUANTIZATION", "ARCHITECTURE", "MODEL ID", "CREATED", "SIZE"], rows);
    }
}
