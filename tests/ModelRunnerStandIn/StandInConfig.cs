using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn;

/// <summary>
/// The stand-in's switches, read and merged through GET/POST /_standin/config.
/// The server owns them; the plugin fetches them at start for its own behaviours.
/// </summary>
public sealed class StandInConfig
{
    public string Fault { get; set; } = Faults.None;
    public long? FaultCount { get; set; }            // null: every request gets the fault
    public int TokenDelayMs { get; set; }
    public int FirstTokenDelayMs { get; set; }
    public long AnswerBytes { get; set; }
    public string CliVersion { get; set; } = "head"; // head | legacy
    public bool AutoInstallNoise { get; set; }        // no runner container yet: the next command prints the preamble
    public bool AutoInstallOffline { get; set; }      // ...in its offline form (local image)
    public string AnswerPrefix { get; set; } = "";    // text the generated answer starts with (e.g. "Note: ")
    public int CrashAfterPieces { get; set; } = 3;
    public int PullStepDelayMs { get; set; } = 10;
    public int RetryBaseMs { get; set; } = 1000;     // plugin: pull retry back-off unit (real CLI: 1 s)
    public int ContextSize { get; set; }             // 0: no context check; else 400 when the prompt is larger
    public bool AlwaysSendUsage { get; set; }        // older llama.cpp: usage on the last chunk, always
    public bool Reasoning { get; set; }              // emit reasoning_content before the answer
    public bool SplitUtf8Writes { get; set; }        // plugin: split multi-byte characters across two writes
    public string DefaultRegistry { get; set; } = ""; // the runner's DEFAULT_REGISTRY: its tags match the plain names
    public int LoadDelayMs { get; set; }             // time a model's runner takes to load (first request after an unload)
    public int EmbeddingDimensions { get; set; } = 384; // length of the vectors /engines/v1/embeddings answers

    public StandInConfig Clone() => (StandInConfig)MemberwiseClone();

    public JObject ToJson() => J.O(
        ("fault", J.S(Fault)),
        ("faultCount", FaultCount is { } c ? J.N(c) : JNull.Instance),
        ("tokenDelayMs", J.N(TokenDelayMs)),
        ("firstTokenDelayMs", J.N(FirstTokenDelayMs)),
        ("answerBytes", J.N(AnswerBytes)),
        ("cliVersion", J.S(CliVersion)),
        ("autoInstallNoise", J.B(AutoInstallNoise)),
        ("autoInstallOffline", J.B(AutoInstallOffline)),
        ("answerPrefix", J.S(AnswerPrefix)),
        ("crashAfterPieces", J.N(CrashAfterPieces)),
        ("pullStepDelayMs", J.N(PullStepDelayMs)),
        ("retryBaseMs", J.N(RetryBaseMs)),
        ("contextSize", J.N(ContextSize)),
        ("alwaysSendUsage", J.B(AlwaysSendUsage)),
        ("reasoning", J.B(Reasoning)),
        ("splitUtf8Writes", J.B(SplitUtf8Writes)),
        ("defaultRegistry", J.S(DefaultRegistry)),
        ("loadDelayMs", J.N(LoadDelayMs)),
        ("embeddingDimensions", J.N(EmbeddingDimensions)));

    /// <summary>Merges the given keys; returns an error text (for a 400) on an unknown key or bad value.</summary>
    public string? Merge(JObject patch)
    {
        var next = Clone();
        foreach (var (key, value) in patch.Props)
        {
            var error = next.Apply(key, value);
            if (error is not null) return error;
        }
        CopyFrom(next);
        return null;
    }

    public static StandInConfig FromJson(JNode? json)
    {
        var c = new StandInConfig();
        if (json is JObject o)
            foreach (var (k, v) in o.Props) c.Apply(k, v);
        return c;
    }

    private string? Apply(string key, JNode v)
    {
        switch (key)
        {
            case "fault":
                var f = v.Str;
                if (f is null || !Faults.All.Contains(f)) return $"unknown fault {v.Str ?? "(not a string)"}; one of: {string.Join(", ", Faults.All)}";
                Fault = f;
                return null;
            case "faultCount":
                if (v is JNull) { FaultCount = null; return null; }
                if (v.Long is not { } n) return "faultCount must be a number or null";
                FaultCount = n < 0 ? null : n;
                return null;
            case "cliVersion":
                if (v.Str is not ("head" or "legacy")) return "cliVersion must be head or legacy";
                CliVersion = v.Str;
                return null;
            case "answerPrefix":
                if (v.Str is not { } prefix) return "answerPrefix must be a string";
                AnswerPrefix = prefix;
                return null;
            case "defaultRegistry":
                if (v.Str is not { } reg) return "defaultRegistry must be a string";
                DefaultRegistry = reg.Trim().TrimEnd('/');
                return null;
            case "answerBytes":
                if (v.Long is not { } ab || ab < 0) return "answerBytes must be a non-negative number";
                AnswerBytes = ab;
                return null;
        }
        if (BoolSetters.TryGetValue(key, out var setBool))
        {
            if (v.Bool is not { } b) return $"{key} must be true or false";
            setBool(this, b);
            return null;
        }
        if (IntSetters.TryGetValue(key, out var setInt))
        {
            if (v.Long is not { } n || n < 0 || n > int.MaxValue) return $"{key} must be a non-negative number";
            setInt(this, (int)n);
            return null;
        }
        return $"unknown setting {key}";
    }

    private static readonly Dictionary<string, Action<StandInConfig, bool>> BoolSetters = new()
    {
        ["autoInstallNoise"] = (c, b) => c.AutoInstallNoise = b,
        ["autoInstallOffline"] = (c, b) => c.AutoInstallOffline = b,
        ["alwaysSendUsage"] = (c, b) => c.AlwaysSendUsage = b,
        ["reasoning"] = (c, b) => c.Reasoning = b,
        ["splitUtf8Writes"] = (c, b) => c.SplitUtf8Writes = b,
    };

    private static readonly Dictionary<string, Action<StandInConfig, int>> IntSetters = new()
    {
        ["tokenDelayMs"] = (c, n) => c.TokenDelayMs = n,
        ["firstTokenDelayMs"] = (c, n) => c.FirstTokenDelayMs = n,
        ["crashAfterPieces"] = (c, n) => c.CrashAfterPieces = n,
        ["pullStepDelayMs"] = (c, n) => c.PullStepDelayMs = n,
        ["retryBaseMs"] = (c, n) => c.RetryBaseMs = n,
        ["contextSize"] = (c, n) => c.ContextSize = n,
        ["loadDelayMs"] = (c, n) => c.LoadDelayMs = n,
        ["embeddingDimensions"] = (c, n) => c.EmbeddingDimensions = Math.Max(1, n),
    };

    private void CopyFrom(StandInConfig o)
    {
        Fault = o.Fault; FaultCount = o.FaultCount; TokenDelayMs = o.TokenDelayMs; FirstTokenDelayMs = o.FirstTokenDelayMs;
        AnswerBytes = o.AnswerBytes; CliVersion = o.CliVersion; AutoInstallNoise = o.AutoInstallNoise;
        AutoInstallOffline = o.AutoInstallOffline; AnswerPrefix = o.AnswerPrefix;
        CrashAfterPieces = o.CrashAfterPieces; PullStepDelayMs = o.PullStepDelayMs; RetryBaseMs = o.RetryBaseMs;
        ContextSize = o.ContextSize; AlwaysSendUsage = o.AlwaysSendUsage; Reasoning = o.Reasoning;
        SplitUtf8Writes = o.SplitUtf8Writes; DefaultRegistry = o.DefaultRegistry; LoadDelayMs = o.LoadDelayMs;
        EmbeddingDimensions = o.EmbeddingDimensions;
    }
}
