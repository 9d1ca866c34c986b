using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>
/// inference.ValidateRuntimeFlags for llama.cpp: flags outside the allowlist, a flag hidden in a value
/// (`--seed=--log-file`) and anything that looks like a path are refused, with the runner's texts.
/// The list is the part of LlamaCppAllowedFlags (runtime_flags_allowlist.go) that tests and users meet.
/// </summary>
public static class RuntimeFlags
{
    private static readonly HashSet<string> Allowed =
    [
        "-t", "--threads", "-tb", "--threads-batch", "-c", "--ctx-size", "-n", "--predict", "--n-predict", "--keep",
        "-b", "--batch-size", "-ub", "--ubatch-size", "-fa", "--flash-attn", "--samplers", "-s", "--seed", "--temp",
        "--temperature", "--top-k", "--top-p", "--min-p", "--typical", "--repeat-last-n", "--repeat-penalty",
        "--presence-penalty", "--frequency-penalty", "--mirostat", "--ignore-eos", "-ngl", "--gpu-layers",
        "--n-gpu-layers", "--mlock", "--mmap", "--no-mmap", "-ctk", "--cache-type-k", "-ctv", "--cache-type-v",
        "--context-shift", "--no-context-shift", "-np", "--parallel", "-cb", "--cont-batching", "--no-cont-batching",
        "--warmup", "--no-warmup", "-to", "--timeout", "--cache-prompt", "--no-cache-prompt", "--cache-reuse",
        "--jinja", "--no-jinja", "--reasoning-format", "--reasoning-budget", "--embeddings", "--pooling",
    ];

    /// <summary>Null when the flags may be used; otherwise the error the runner answers with (HTTP 500).</summary>
    public static string? Validate(IReadOnlyList<string> flags)
    {
        foreach (var flag in flags)
        {
            var key = !flag.StartsWith('-') ? "" : flag.Contains('=') ? flag[..flag.IndexOf('=')] : flag;
            if (key.Length > 0 && !Allowed.Contains(key))
                return $"runtime flag {GoFormat.Quote(key)} is not allowed for backend {GoFormat.Quote(Runners.Backend)}";
        }
        foreach (var flag in flags)
        {
            int eq = flag.IndexOf('=');
            if (eq < 0) continue;
            var value = flag[(eq + 1)..];
            if (value.StartsWith('-') && (value.Length < 2 || !char.IsAsciiDigit(value[1])))
                return $"invalid flag {GoFormat.Quote(flag)}: value cannot start with '-' unless followed by a digit";
        }
        foreach (var flag in flags)
            if (flag.Contains('/') || flag.Contains('\\'))
                return $"invalid runtime flag {GoFormat.Quote(flag)}: paths are not allowed (contains '/' or '\\\\')";
        return null;
    }
}
