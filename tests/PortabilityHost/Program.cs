using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Ultra.DockerModel.PortabilityHost;

/// <summary>
/// usage: PortabilityHost MODULE_DIR RUNNER_URL. Prints "RUNTIME ...", then one "PASS name" or "FAIL name: why" line
/// per check; the exit code is the number of failures. DOCKER_CONFIG, MODEL_RUNNER_HOST and ULTRA_DOCKERMODEL_HOME
/// come from the caller (tests/pester/Portability.Tests.ps1), as for a user's pwsh.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string moduleDir = Path.GetFullPath(args[0]);
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        Console.WriteLine($"RUNTIME {RuntimeInformation.FrameworkDescription}");
        try
        {
            // What Import-Module does with a binary module: LoadFrom the root module; Core then comes from the same
            // folder (LoadFrom's own probing does that for pwsh). Nothing of Core is touched before this.
            Assembly.LoadFrom(Path.Combine(moduleDir, "Ultra.DockerModel.dll"));
            Assembly.LoadFrom(Path.Combine(moduleDir, "Ultra.DockerModel.Core.dll"));
            Console.WriteLine("PASS load");
        }
        catch (Exception e)
        {
            Console.WriteLine("FAIL load: " + Checks.Describe(e));
            return 1;
        }
        int failed = new Checks(args[1]).RunAll();
        foreach (var a in AppDomain.CurrentDomain.GetAssemblies())
        {
            var name = a.GetName();
            if (name.Name is "System.Text.Json" or "System.Threading.Channels" or "Microsoft.Bcl.AsyncInterfaces" or "Microsoft.Extensions.AI.Abstractions")
                Console.WriteLine($"LOADED {name.Name} {name.Version} from {a.Location}");
        }
        return failed;
    }
}
