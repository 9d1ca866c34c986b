using System.Globalization;

namespace ModelRunnerStandIn.Server;

/// <summary>`ModelRunnerStandIn serve [--port N] [--installed a,b] [--token-delay-ms N] [--ignore-stdin]`.</summary>
public static class ServeCommand
{
    public static int Run(string[] args)
    {
        int port = 0, tokenDelay = 0;
        string[] installed = Catalog.DefaultInstalled;
        bool watchStdin = true;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--port": port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--installed":
                    installed = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--token-delay-ms": tokenDelay = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--ignore-stdin": watchStdin = false; break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}");
                    Console.Error.WriteLine("usage: ModelRunnerStandIn serve [--port N] [--installed ref1,ref2] [--token-delay-ms N] [--ignore-stdin]");
                    return 2;
            }
        }

        var unknown = installed.Where(r => !Catalog.ByTag.ContainsKey(Shared.ModelNames.Normalize(r))).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"not in the catalog: {string.Join(", ", unknown)}");
            return 2;
        }

        var state = new ServerState(new StandInConfig { TokenDelayMs = tokenDelay }, installed);
        var router = new Router(state);
        var server = new HttpServer(router.HandleAsync, state.Stats);
        int actual = server.Start(port);

        var stdout = Console.OpenStandardOutput();
        stdout.Write(System.Text.Encoding.ASCII.GetBytes($"LISTENING http://127.0.0.1:{actual}\n"));
        stdout.Flush();

        // The harness holds our stdin open; when it dies the pipe closes and so do we.
        if (watchStdin && !StdinIsDevNull()) new Thread(WatchStdin) { IsBackground = true }.Start();
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    private static void WatchStdin()
    {
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buf = new byte[256];
            while (stdin.Read(buf, 0, buf.Length) > 0) { }
        }
        catch (IOException) { }
        Environment.Exit(0);
    }

    // /dev/null is at EOF from the start; a server started that way (by hand, in the background) keeps running.
    private static bool StdinIsDevNull()
    {
        try { return new FileInfo("/proc/self/fd/0").LinkTarget == "/dev/null"; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException) { return false; }
    }
}
