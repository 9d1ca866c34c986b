using ModelRunnerStandIn.Models;
using ModelRunnerStandIn.Plugin;
using ModelRunnerStandIn.Server;

namespace ModelRunnerStandIn;

/// <summary>Two roles in one assembly: the runner's HTTP server (`serve`) and the docker-model CLI plugin (`plugin`).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "serve") return ServeCommand.Run(args[1..]);
        if (args.Length > 0 && args[0] == "plugin") return PluginMain.Run(args[1..]);
        if (args.Length > 0 && args[0] == "docker-cli-plugin-metadata") return PluginMain.Run(args);
        if (args.Length > 0 && args[0] == "gguf") return GgufCommand.Run(args[1..]);
        Console.Error.WriteLine("usage: ModelRunnerStandIn serve [--port N] [--installed ref1,ref2] [--token-delay-ms N] [--ignore-stdin]");
        Console.Error.WriteLine("       ModelRunnerStandIn plugin model <docker model arguments...>");
        Console.Error.WriteLine("       ModelRunnerStandIn gguf <path> [--embedding N] [--layers N] [--context N] [--template chatml|none|unknown] [--arch NAME] [--seed N] [--store DIR --tag REF]");
        return 2;
    }
}
