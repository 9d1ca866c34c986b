using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>What every command needs: output streams, the runner client, the stand-in's switches.</summary>
public sealed class PluginContext
{
    public const string NotRunningError = "Docker Model Runner is not running. Please start it and try again.\n";

    /// <summary>hooks.PrintNextSteps: bold "What's next:" (escape codes even when not a TTY), 4-space hints.</summary>
    public const string NextSteps =
        "\u001b[1m\nWhat's next:\u001b[0m\n" +
        "    Enable Docker Model Runner via the CLI → docker desktop enable model-runner\n" +
        "    Enable Docker Model Runner via the GUI → Go to Settings->AI->Enable Docker Model Runner\n";

    public Output Out { get; }
    public Output Err { get; }
    public RunnerClient Client { get; }
    public StandInConfig Config { get; }
    public bool Legacy => Config.CliVersion == "legacy";
    public bool ManualHost { get; }
    public string EngineKind => ManualHost ? "Docker Engine (Manual Install)" : "Docker Engine";

    /// <summary>Cancelled when the docker CLI closes the plugin socket (the CLI got a signal or died).</summary>
    public CancellationToken CliGone { get; }

    public PluginContext(Output stdout, Output stderr, CancellationToken cliGone)
    {
        Out = stdout;
        Err = stderr;
        CliGone = cliGone;
        var host = Environment.GetEnvironmentVariable("MODEL_RUNNER_HOST");
        ManualHost = !string.IsNullOrEmpty(host);
        if (ManualHost && !host!.Contains("://", StringComparison.Ordinal)) host = "http://" + host;
        Client = new RunnerClient(ManualHost ? host! : "http://localhost:12434");
        Config = FetchConfig(Client);
    }

    /// <summary>The plugin-side switches live in the server; an unreachable server means defaults.</summary>
    private static StandInConfig FetchConfig(RunnerClient client)
    {
        try
        {
            using var resp = client.Send("GET", "/_standin/config");
            return resp.Status == 200 ? StandInConfig.FromJson(JsonParser.Parse(resp.ReadAll())) : new StandInConfig();
        }
        catch (Exception e) when (e is GoError or JsonParseException or FormatException)
        {
            return new StandInConfig();
        }
    }

    /// <summary>handleClientError: a 503 anywhere in the chain becomes the not-running block.</summary>
    public static CliException ClientError(GoError e, string prefix) =>
        e.Unavailable ? new CliException(NotRunningError + "\n" + NextSteps.TrimEnd('\n')) : new CliException($"{prefix}: {e.Message}");

    /// <summary>
    /// The Docker Engine auto-install chatter (reference 0.8) printed before a runner-dependent command's output,
    /// when the autoInstallNoise switch is on. With MODEL_RUNNER_HOST the real CLI never installs; this is for
    /// testing parsers that must skip it.
    /// </summary>
    public void AutoInstallNoise()
    {
        if (!Config.AutoInstallNoise) return;
        Out.Write(
            "latest: Pulling from docker/model-runner\n" +
            "a2318d6c47ec: Pull complete\n" +
            "4f4fb700ef54: Pull complete\n" +
            "Digest: sha256:0d4b3d5c25b2e4a0a0f7a5e5b5c4a6d1c3b2e8f9a0b1c2d3e4f5a6b7c8d9e0f1\n" +
            "Status: Downloaded newer image for docker/model-runner:latest\n" +
            "Successfully pulled docker/model-runner:latest\n" +
            "Creating model storage volume docker-model-runner-models...\n" +
            "Starting model runner container docker-model-runner...\n");
    }
}
