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
    /// The Docker Engine auto-install preamble (reference 0.8, model-runner's ensureStandaloneRunnerAvailable) printed
    /// before a runner-dependent command's output while the autoInstallNoise switch is on. The switch stands for "no
    /// runner container yet": the first command to see it prints the preamble and installs (turns the switch off), as
    /// the real CLI does once. autoInstallOffline picks the offline form (the image pull failed, a local image is used);
    /// cliVersion legacy prints model-cli v0.1.42's form. With MODEL_RUNNER_HOST the real CLI never installs; this is
    /// for testing the parsers that must skip it.
    /// </summary>
    public void AutoInstallNoise()
    {
        if (!Config.AutoInstallNoise) return;
        Out.Write(Config.AutoInstallOffline ? OfflinePreamble : Legacy ? LegacyPreamble : OnlinePreamble);
        try
        {
            using var _ = Client.Send("POST", "/_standin/config", "{\"autoInstallNoise\":false}"u8.ToArray());
        }
        catch (GoError) { }
    }

    private const string Digest = "sha256:0d4b3d5c25b2e4a0a0f7a5e5b5c4a6d1c3b2e8f9a0b1c2d3e4f5a6b7c8d9e0f1";

    // docker's jsonmessage stream on a non-terminal (progress messages are left out there), then the CLI's own lines.
    private const string OnlinePreamble =
        "latest: Pulling from docker/model-runner\n" +
        "a2318d6c47ec: Pulling fs layer\n" +
        "4f4fb700ef54: Pulling fs layer\n" +
        "4f4fb700ef54: Waiting\n" +
        "a2318d6c47ec: Verifying Checksum\n" +
        "a2318d6c47ec: Download complete\n" +
        "a2318d6c47ec: Pull complete\n" +
        "4f4fb700ef54: Download complete\n" +
        "4f4fb700ef54: Pull complete\n" +
        "Digest: " + Digest + "\n" +
        "Status: Downloaded newer image for docker/model-runner:latest\n" +
        "Successfully pulled docker/model-runner:latest\n" +
        "Creating model storage volume docker-model-runner-models...\n" +
        "Warning: render group not found, skipping group addition\n" +
        "Starting model runner container docker-model-runner...\n";

    // Offline: ImagePull fails, the image is there locally (EnsureControllerImage's fallback); the volume exists.
    private const string OfflinePreamble =
        "Using local image docker/model-runner:latest\n" +
        "Starting model runner container docker-model-runner...\n";

    // model-cli v0.1.42's EnsureControllerImage: "\r<id>: <status> <progress>" with no line end, Println for the rest.
    private const string LegacyPreamble =
        "\rlatest: Pulling from docker/model-runner " +
        "\ra2318d6c47ec: Pulling fs layer " +
        "\ra2318d6c47ec: Downloading [==>                                                ]  1.049MB/24.62MB" +
        "\ra2318d6c47ec: Pull complete " +
        "Digest: " + Digest + "\n" +
        "Status: Downloaded newer image for docker/model-runner:latest\n" +
        "\nSuccessfully pulled docker/model-runner:latest\n" +
        "Creating model storage volume docker-model-runner-models...\n" +
        "Starting model runner container docker-model-runner...\n";
}
