using System.Runtime.InteropServices;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Plugin;

/// <summary>`docker model version`: never fails (cobra Run, not RunE).</summary>
public static class VersionCommand
{
    public static readonly CommandSpec Spec = new("version", "version", "Show the Docker Model Runner version", []);

    public static void Run(PluginContext ctx)
    {
        if (ctx.Legacy)
        {
            ctx.Out.Write($"Docker Model Runner version v0.1.42\nDocker Engine Kind: {ctx.EngineKind}\n");
            return;
        }
        var server = "(not reachable)";
        try
        {
            using var resp = ctx.Client.Send("GET", "/version");
            if (resp.Status == 200 && JsonParser.Parse(resp.ReadAll())["version"]?.Str is { } v) server = v;
        }
        catch (Exception e) when (e is GoError or JsonParseException) { }
        ctx.Out.Write(
            "Client:\n" +
            " Version:    v1.2.6\n" +
            $" OS/Arch:    {GoOs()}/{GoArch()}\n" +
            "\n" +
            "Server:\n" +
            $" Version:    {server}\n" +
            $" Engine:     {ctx.EngineKind}\n");
    }

    private static string GoOs() =>
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux";

    private static string GoArch() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "386",
        Architecture.Arm => "arm",
        var a => a.ToString().ToLowerInvariant(),
    };
}
