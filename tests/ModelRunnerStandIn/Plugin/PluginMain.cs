using System.Net.Sockets;

namespace ModelRunnerStandIn.Plugin;

/// <summary>
/// The docker-model CLI plugin: `docker model ARGS` runs `docker-model model ARGS`.
/// Normal output on stdout, one error line (block) on stderr, exit 1 for every failure (cmd/cli/main.go).
/// </summary>
public static class PluginMain
{
    public const string Metadata =
        "{\"SchemaVersion\":\"0.1.0\",\"Vendor\":\"Docker Inc.\",\"Version\":\"v1.2.6\",\"ShortDescription\":\"Docker Model Runner\"}";

    private static readonly CommandSpec[] Commands =
    [
        VersionCommand.Spec, StatusCommand.Spec, ListCommand.Spec, PullCommand.Spec, RunCommand.Spec,
        RemoveCommand.Spec, InspectCommand.Spec, PsCommand.Spec, DfCommand.Spec, UnloadCommand.Spec, ConfigureCommand.Spec,
    ];

    public static int Run(string[] args)
    {
        var stdout = Output.ForFd(1);
        var stderr = Output.ForFd(2);
        if (args.Length > 0 && args[0] == "docker-cli-plugin-metadata")
        {
            stdout.Line(Metadata);
            return 0;
        }
        var rest = args.Length > 0 && args[0] == "model" ? args[1..] : args;

        using var cliGone = new CancellationTokenSource();
        WatchCliSocket(cliGone);
        try
        {
            if (rest.Length == 0 || rest[0] is "--help" or "-h" or "help")
            {
                stdout.Write(CommandLine.RootHelp(Commands));
                return 0;
            }
            var spec = Commands.FirstOrDefault(c => c.Name == rest[0] || (c.Aliases?.Contains(rest[0]) ?? false));
            if (spec is null)
            {
                if (rest[0].StartsWith('-'))
                    throw new CliException($"unknown flag: {rest[0]}\n\nUsage:  docker model COMMAND\n\nRun 'docker model --help' for more information");
                stdout.Write(CommandLine.RootHelp(Commands)); // a non-runnable parent: cobra shows help, exit 0
                return 0;
            }
            var ctx = new PluginContext(stdout, stderr, cliGone.Token);
            if (ctx.Legacy) spec = LegacySpec(spec);
            if (spec.Name != rest[0] && !(spec.Aliases?.Contains(rest[0]) ?? false))
            {
                stdout.Write(CommandLine.RootHelp(Commands)); // an alias this CLI version does not have
                return 0;
            }
            var parsed = CommandLine.Parse(spec, rest[1..]);
            if (parsed.Help)
            {
                stdout.Write(CommandLine.Help(spec));
                return 0;
            }
            Dispatch(spec.Name, ctx, spec, parsed);
            return 0;
        }
        catch (CliException e)
        {
            stderr.Line(e.Message);
            return 1;
        }
        catch (ExitException e)
        {
            return e.Code;
        }
        catch (Shared.JsonParseException e)
        {
            stderr.Line("failed to unmarshal response body: " + e.Message);
            return 1;
        }
    }

    private static void Dispatch(string name, PluginContext ctx, CommandSpec spec, ParsedArgs a)
    {
        switch (name)
        {
            case "version": VersionCommand.Run(ctx); break;
            case "status": StatusCommand.Run(ctx, a); break;
            case "list": ListCommand.Run(ctx, spec, a); break;
            case "pull": PullCommand.Run(ctx, spec, a); break;
            case "run": RunCommand.Run(ctx, spec, a); break;
            case "rm": RemoveCommand.Run(ctx, spec, a); break;
            case "inspect": InspectCommand.Run(ctx, spec, a); break;
            case "ps": PsCommand.Run(ctx); break;
            case "df": DfCommand.Run(ctx); break;
            case "unload": UnloadCommand.Run(ctx, spec, a); break;
            case "configure": ConfigureCommand.Run(ctx, spec, a); break;
        }
    }

    /// <summary>model-cli 2025 (v0.1.42): `run` had no --color and no --detach, `pull` had the memory-check flag.</summary>
    private static CommandSpec LegacySpec(CommandSpec spec) => spec.Name switch
    {
        "run" => spec with { Flags = spec.Flags.Where(f => f.Name is not ("color" or "detach")).Append(MemoryCheckFlag).ToArray() },
        "pull" => spec with { Flags = [.. spec.Flags, MemoryCheckFlag] },
        "configure" => ConfigureCommand.LegacySpec,
        "unload" => spec with { Aliases = null },
        _ => spec,
    };

    private static readonly FlagSpec MemoryCheckFlag = new("ignore-runtime-memory-check", null, true,
        "Do not block pull if estimated runtime memory for model exceeds system resources.");

    /// <summary>
    /// docker/cli hands plugins a socket (DOCKER_CLI_PLUGIN_SOCKET) and closes it when it is signalled or dies;
    /// the plugin then cancels its command context, as the real plugin does.
    /// </summary>
    private static void WatchCliSocket(CancellationTokenSource gone)
    {
        var address = Environment.GetEnvironmentVariable("DOCKER_CLI_PLUGIN_SOCKET");
        if (string.IsNullOrEmpty(address) || !OperatingSystem.IsLinux()) return;
        var name = address.StartsWith('@') ? "\0" + address[1..] : address;
        Socket socket;
        try
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(name));
        }
        catch (SocketException)
        {
            return;
        }
        var thread = new Thread(() =>
        {
            var buf = new byte[64];
            try
            {
                while (socket.Receive(buf) > 0) { }
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
            gone.Cancel();
        }) { IsBackground = true };
        thread.Start();
    }
}
