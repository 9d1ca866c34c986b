using System.Text;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model run [--color auto|yes|no] [--debug] [-d] MODEL [PROMPT...]` (reference section 3).</summary>
public static class RunCommand
{
    public static readonly CommandSpec Spec = new("run", "run MODEL [PROMPT]", "Run a model and interact with it using a submitted prompt or chat mode",
    [
        new FlagSpec("color", null, false, "Use colored output (auto|yes|no)", "no"),
        new FlagSpec("debug", null, true, "Enable debug logging"),
        new FlagSpec("detach", 'd', true, "Load the model in the background without interaction"),
    ]);

    public static void Run(PluginContext ctx, CommandSpec spec, ParsedArgs a)
    {
        if (a.Positionals.Count < 1) throw CommandLine.ArgCountError(spec, "at least 1", "MODEL [PROMPT]", ctx.Legacy);
        var color = a.Value("color") ?? "no";
        if (!ctx.Legacy && color is not ("auto" or "yes" or "no"))
            throw new CliException($"--color must be one of: auto, yes, no (got {GoFormat.Quote(color)})");

        var model = a.Positionals[0];
        var prompt = string.Join(' ', a.Positionals.Skip(1));
        bool detach = a.Flag("detach"), debug = a.Flag("debug");
        if (!detach && PromptInput.ReadStdinIfRedirected() is { } input)
        {
            if (prompt.Length > 0) prompt += "\n\n";
            prompt += input;
        }
        if (debug) ctx.Out.Line(prompt.Length == 0 ? $"Running model {model}" : $"Running model {model} with prompt {prompt}");
        ctx.AutoInstallNoise();

        model = EnsureLocal(ctx, model);

        if (detach)
        {
            Preload(ctx, model);
            if (debug) ctx.Out.Line($"Model {model} loaded successfully");
            return;
        }
        if (prompt.Length > 0)
        {
            Chat(ctx, model, [], prompt);
            ctx.Out.Line();
            return;
        }
        Interactive(ctx, model);
    }

    /// <summary>GET /models/MODEL; a 404 means "pull it first", on stdout. Returns the model to chat with (legacy: an ID expanded).</summary>
    private static string EnsureLocal(PluginContext ctx, string model)
    {
        try
        {
            model = LegacyModelId.Resolve(ctx, model);
            using var resp = ctx.Client.Send("GET", "/models/" + model);
            if (resp.Status == 200) return model;
            if (resp.Status != 404) throw new CliException($"Failed to inspect model: failed to list models: {resp.StatusText}");
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to inspect model");
        }
        ctx.Out.Line($"Unable to find model '{model}' locally. Pulling from the server.");
        PullCommand.Pull(ctx, model);
        return model;
    }

    /// <summary>HEAD's -d: a chat request with X-Preload-Only and no messages.</summary>
    private static void Preload(PluginContext ctx, string model)
    {
        var body = JsonOut.Compact(J.O(("model", J.S(model)), ("messages", new JArray())));
        try
        {
            using var resp = ctx.Client.Send("POST", "/engines/v1/chat/completions", body, [("X-Preload-Only", "true")]);
            if (resp.Status != 200) throw new GoError($"preload failed: status={resp.Status} body={resp.ReadText()}");
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to load model");
        }
    }

    /// <summary>model-runner's basic chat loop, used when stdin is not a terminal (or by hand at a TTY).</summary>
    private static void Interactive(PluginContext ctx, string model)
    {
        var history = new List<(string Role, string Content)>();
        using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        while (true)
        {
            ctx.Out.Write("> ");
            var line = stdin.ReadLine();
            if (line is null) return;
            if (line.Trim().Equals("/bye", StringComparison.OrdinalIgnoreCase)) return;
            if (line.Trim().Length == 0) continue;
            try
            {
                var answer = Chat(ctx, model, history, line);
                history.Add(("user", line));
                history.Add(("assistant", answer));
            }
            catch (CliException e)
            {
                ctx.Err.Line(e.Message);
                continue;
            }
            ctx.Out.Line();
        }
    }

    /// <summary>
    /// ChatWithMessagesContext: stream the SSE reply, writing each delta's bytes to stdout the moment it arrives.
    /// Returns the assistant text for the interactive history.
    /// </summary>
    private static string Chat(PluginContext ctx, string model, List<(string Role, string Content)> history, string rawPrompt)
    {
        var prompt = PromptInput.IncludeFiles(rawPrompt).Trim();
        var messages = history.Select(h => (JNode)J.O(("role", J.S(h.Role)), ("content", J.S(h.Content)))).ToList();
        messages.Add(J.O(("role", J.S("user")), ("content", J.S(prompt))));
        var body = JsonOut.Compact(J.O(("model", J.S(model)), ("messages", J.A(messages)), ("stream", JBool.True)));
        const string path = "/engines/v1/chat/completions";
        var answer = new MemoryStream();
        try
        {
            using var resp = ctx.Client.Send("POST", path, body, cancel: ctx.CliGone);
            if (resp.Status != 200) throw new GoError($"error response: status={resp.Status} body={resp.ReadText()}");

            var lines = resp.Lines();
            int state = 0; // 0 nothing yet, 1 reasoning, 2 content
            JNode? usage = null;
            while (true)
            {
                byte[]? line;
                try { line = lines.ReadLine(); }
                catch (GoError e) { throw new GoError(ctx.CliGone.IsCancellationRequested ? "context canceled" : "error reading response stream: " + e.Message); }
                if (line is null) break;
                if (ctx.CliGone.IsCancellationRequested) throw new GoError("context canceled");
                if (!line.AsSpan().StartsWith("data: "u8)) continue;
                var data = line.AsSpan(6);
                if (data.SequenceEqual("[DONE]"u8)) break;
                JNode chunk;
                try { chunk = JsonParser.Parse(data); }
                catch (JsonParseException e) { throw new GoError("error parsing stream response: " + e.Message); }
                if (chunk["usage"] is JObject u) usage = u;
                var delta = (chunk["choices"] as JArray)?.Items.FirstOrDefault()?["delta"];
                if (delta?["reasoning_content"] is JString { Utf8.Length: > 0 } reasoning)
                {
                    if (state == 2) ctx.Out.Write("\n\n");
                    if (state != 1) ctx.Out.Write("Thinking:\n");
                    state = 1;
                    Print(ctx, reasoning.Utf8);
                }
                if (delta?["content"] is JString { Utf8.Length: > 0 } content)
                {
                    if (state == 1) ctx.Out.Write("\n\n--\n\n");
                    state = 2;
                    Print(ctx, content.Utf8);
                    answer.Write(content.Utf8);
                }
            }
            if (usage is not null)
            {
                ctx.Out.Write($"\n\nToken usage: {usage["prompt_tokens"]?.Long ?? 0} prompt + {usage["completion_tokens"]?.Long ?? 0} completion = {usage["total_tokens"]?.Long ?? 0} total");
            }
        }
        catch (GoError e)
        {
            throw PluginContext.ClientError(e, "Failed to generate a response");
        }
        return Encoding.UTF8.GetString(answer.ToArray());
    }

    /// <summary>
    /// The content bytes exactly as the runner sent them (the invalid-utf8 fault needs raw bytes). With
    /// splitUtf8Writes, the first multi-byte character is cut across two writes so readers meet a split sequence.
    /// </summary>
    private static void Print(PluginContext ctx, byte[] bytes)
    {
        if (ctx.Config.SplitUtf8Writes)
        {
            int lead = Array.FindIndex(bytes, b => b >= 0xC0);
            if (lead >= 0 && lead + 1 < bytes.Length)
            {
                ctx.Out.Write(bytes.AsSpan(0, lead + 1));
                Thread.Sleep(2);
                ctx.Out.Write(bytes.AsSpan(lead + 1));
                return;
            }
        }
        ctx.Out.Write(bytes);
    }
}
