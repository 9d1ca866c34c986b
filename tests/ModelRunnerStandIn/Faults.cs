namespace ModelRunnerStandIn;

/// <summary>The switchable failure modes and the exact bodies the real runner (or llama.cpp) answers with.</summary>
public static class Faults
{
    public const string None = "none";
    public const string NotRunning = "not-running";            // every runner route: 503 (Desktop with DMR disabled)
    public const string Slow = "slow";                         // long wait before the first content token
    public const string Hang = "hang";                         // chat never answers; connection held until the client leaves
    public const string CrashMidStream = "crash-mid-stream";   // some content chunks, then the connection is closed
    public const string StallMidStream = "stall-mid-stream";   // some content chunks, then nothing more until the client leaves
    public const string Oom = "oom";                           // chat: 500 from a llama.cpp load failure
    public const string ContextTooLong = "context-too-long";   // chat: 400 exceed_context_size_error JSON
    public const string Http429 = "http-429";
    public const string Http500 = "http-500";
    public const string Http401 = "http-401";
    public const string InvalidUtf8 = "invalid-utf8";          // content pieces carry raw invalid UTF-8 bytes
    public const string PullFails = "pull-fails";              // POST /models/create: 500 registry error
    public const string PullStreamError = "pull-stream-error"; // progress lines, then an in-stream error message
    public const string PullStall = "pull-stall";              // one progress line at once, then nothing until the client leaves
    public const string InvalidJson = "invalid-json";          // with response_format: an answer that is not JSON
    public const string JsonMismatch = "json-mismatch";        // with response_format: JSON, but not of the asked shape
    public const string PullInvalidReference = "pull-invalid-reference";     // POST /models/create: 400 Invalid model reference
    public const string PullRegistryUnreachable = "pull-registry-unreachable"; // POST /models/create: 500, registry host not found (DNS)
    public const string BackendLoadTimeout = "backend-load-timeout";         // chat/preload: 500, the backend did not become ready in time

    public static readonly IReadOnlySet<string> All = new HashSet<string>
    {
        None, NotRunning, Slow, Hang, CrashMidStream, StallMidStream, Oom, ContextTooLong, Http429, Http500, Http401,
        InvalidUtf8, PullFails, PullStreamError, PullStall, InvalidJson, JsonMismatch, PullInvalidReference, PullRegistryUnreachable,
        BackendLoadTimeout,
    };

    /// <summary>Used by `slow` when firstTokenDelayMs is not set.</summary>
    public const int DefaultSlowDelayMs = 5000;

    public const string OomBody =
        "unable to load runner: error waiting for runner to be ready: llama.cpp terminated unexpectedly: " +
        "llama.cpp failed: not enough GPU memory to load the model (CUDA)";

    public static string ContextTooLongBody(long promptTokens, long nCtx) =>
        "{\"error\":{\"code\":400,\"message\":\"request (" + promptTokens + " tokens) exceeds the available context size (" +
        nCtx + " tokens), try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":" + promptTokens +
        ",\"n_ctx\":" + nCtx + "}}";

    public const string Http429Body = "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded, retry later\",\"type\":\"rate_limit_error\"}}";
    public const string Http500Body = "{\"error\":{\"code\":500,\"message\":\"Internal server error\",\"type\":\"server_error\"}}";
    public const string Http401Body = "{\"error\":{\"code\":401,\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}";

    /// <summary>The registry-unreachable 500 of issue #989, for the reference being pulled.</summary>
    public static string PullFailsBody(string normalizedRef) =>
        $"error while pulling model: reading model from registry: failed to pull model \"{normalizedRef}\": UNKNOWN - " +
        $"resolving docker.io/{normalizedRef}: failed to authorize: failed to fetch anonymous token: " +
        $"Get \"https://auth.docker.io/token?scope=repository%3A{Uri.EscapeDataString(Shared.ModelNames.Repository(normalizedRef))}%3Apull&service=registry.docker.io\": " +
        "net/http: TLS handshake timeout";

    /// <summary>
    /// The registry cannot be resolved: go-containerregistry's UNKNOWN registry error around containerd's
    /// "failed to do request" and Go's DNS error (pkg/distribution/registry/client.go, oci/remote/remote.go).
    /// </summary>
    public static string PullRegistryUnreachableBody(string normalizedRef) =>
        $"error while pulling model: reading model from registry: failed to pull model \"{normalizedRef}\": UNKNOWN - " +
        $"resolving docker.io/{normalizedRef}: failed to do request: Head \"https://registry-1.docker.io/v2/{Shared.ModelNames.Repository(normalizedRef)}/manifests/{normalizedRef[(normalizedRef.LastIndexOf(':') + 1)..]}\": " +
        "dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: no such host";

    /// <summary>The scheduler's load failure when the backend is not ready after its 600 × 0.5 s pings (scheduling/runner.go).</summary>
    public const string BackendLoadTimeoutBody =
        "unable to load runner: error waiting for runner to be ready: inference backend took too long to initialize";

    public const string PullStreamErrorMessage = "Error: failed to pull model: unexpected EOF";
}
