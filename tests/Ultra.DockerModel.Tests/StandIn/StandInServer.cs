using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Ultra.DockerModel.Tests.StandIn;

/// <summary>
/// Runs the Docker Model Runner stand-in (tests/ModelRunnerStandIn) for a test: the runner's HTTP API on a free
/// loopback port plus a temporary DOCKER_CONFIG whose cli-plugins/docker-model talks to it. Pass
/// <see cref="Environment"/> to child processes so that their `docker model ...` reaches the stand-in.
/// The stand-in must be built first (dotnet build tests/ModelRunnerStandIn), or STANDIN_DLL must name the dll.
/// </summary>
public sealed class StandInServer : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;
    private bool _disposed;

    public string Url { get; }
    public int Port { get; }
    public string DockerConfig { get; }
    public string DllPath { get; }

    /// <summary>DOCKER_CONFIG and MODEL_RUNNER_HOST, for child processes.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>
    /// DOCKER_CONFIG and STANDIN_ENGINE_URL, with MODEL_RUNNER_HOST removed: the plugin acts as on Docker Engine (or,
    /// with <paramref name="kind"/> "Docker Desktop", as on Docker Desktop without host TCP), and the runner's endpoint
    /// has to be found through <c>docker model status --json</c>.
    /// </summary>
    public Dictionary<string, string?> EngineEnvironment(string kind = "Docker Engine") => new()
    {
        ["DOCKER_CONFIG"] = DockerConfig,
        ["MODEL_RUNNER_HOST"] = null,
        ["STANDIN_ENGINE_URL"] = Url,
        ["STANDIN_ENGINE_KIND"] = kind,
    };

    private StandInServer(Process process, string url, int port, string dockerConfig, string dll)
    {
        _process = process;
        Url = url;
        Port = port;
        DockerConfig = dockerConfig;
        DllPath = dll;
        Environment = new Dictionary<string, string> { ["DOCKER_CONFIG"] = dockerConfig, ["MODEL_RUNNER_HOST"] = url };
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <param name="installed">Models installed at start; null = ai/smollm2:latest and ai/llama3.2:latest; empty = none.</param>
    /// <param name="tokenDelayMs">Delay between streamed pieces.</param>
    public static StandInServer Start(IEnumerable<string>? installed = null, int tokenDelayMs = 0, TimeSpan? startTimeout = null)
    {
        var dll = FindDll();
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,   // the server exits when this pipe closes, so it never outlives the test run
            RedirectStandardOutput = true,
        };
        foreach (var a in new[] { dll, "serve", "--port", "0", "--token-delay-ms", tokenDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        if (installed is not null)
        {
            psi.ArgumentList.Add("--installed");
            psi.ArgumentList.Add(string.Join(",", installed));
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(startTimeout ?? TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The stand-in did not print LISTENING in time.");
        }
        var match = Regex.Match(line.Result ?? "", @"^LISTENING (http://127\.0\.0\.1:(\d+))$");
        if (!match.Success)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The stand-in did not start; first line: '{line.Result}'.");
        }

        var dockerConfig = Path.Combine(Path.GetTempPath(), "standin-docker-" + Guid.NewGuid().ToString("N"));
        var plugins = Directory.CreateDirectory(Path.Combine(dockerConfig, "cli-plugins"));
        InstallPlugin(Path.Combine(plugins.FullName, "docker-model"), dll);
        return new StandInServer(process, match.Groups[1].Value, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), dockerConfig, dll);
    }

    /// <summary>STANDIN_DLL, else tests/ModelRunnerStandIn/bin/&lt;Configuration&gt;/net10.0 under the repository root.</summary>
    public static string FindDll()
    {
        var fromEnv = System.Environment.GetEnvironmentVariable("STANDIN_DLL");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv) ? Path.GetFullPath(fromEnv)
                : throw new FileNotFoundException($"STANDIN_DLL points at '{fromEnv}', which does not exist.");
        }
        var root = RepositoryRoot() ?? throw new DirectoryNotFoundException(
            $"No repository root (Ultra.DockerModel.sln or .git) above {AppContext.BaseDirectory}; set STANDIN_DLL.");
        var standIn = Path.Combine(root, "tests", "ModelRunnerStandIn");
#if DEBUG
        string[] configurations = ["Debug", "Release"];
#else
        string[] configurations = ["Release", "Debug"];
#endif
        foreach (var configuration in configurations)
        {
            var candidate = Path.Combine(standIn, "bin", configuration, "net10.0", "ModelRunnerStandIn.dll");
            if (File.Exists(candidate)) return candidate;
        }
        var other = new[] { Path.Combine(standIn, "bin"), Path.Combine(root, "artifacts", "bin", "ModelRunnerStandIn") }
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "ModelRunnerStandIn.dll", SearchOption.AllDirectories))
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
        return other ?? throw new FileNotFoundException(
            $"ModelRunnerStandIn.dll not found under {standIn}/bin; run 'dotnet build tests/ModelRunnerStandIn -c {configurations[0]}' or set STANDIN_DLL.");
    }

    internal static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ultra.DockerModel.sln")) || Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
                return dir.FullName;
        }
        return null;
    }

    /// <summary>Copies the docker-model script with the dll path baked in, executable.</summary>
    public static void InstallPlugin(string destination, string dll)
    {
        var template = FindPluginScript(dll);
        var quoted = "'" + dll.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        var script = File.ReadAllText(template)
            .Replace("STANDIN_DLL_BAKED=\"\"", "STANDIN_DLL_BAKED=" + quoted, StringComparison.Ordinal)
            .Replace("\r\n", "\n", StringComparison.Ordinal);
        File.WriteAllText(destination, script, new UTF8Encoding(false));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(destination,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    private static string FindPluginScript(string dll)
    {
        // The build copies the script next to the dll; otherwise it is in a parent folder (tests/ModelRunnerStandIn).
        for (var dir = new FileInfo(dll).Directory; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docker-model");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"The docker-model plugin script was not found beside {dll} or above it.");
    }

    /// <summary>Sets DOCKER_CONFIG and MODEL_RUNNER_HOST on a child process's environment.</summary>
    public void ApplyTo(ProcessStartInfo psi)
    {
        foreach (var (k, v) in Environment) psi.Environment[k] = v;
    }

    /// <summary>
    /// Merges switches into the stand-in (POST /_standin/config), e.g. <c>Configure(new { fault = "hang" })</c>;
    /// a string is sent as raw JSON. Returns the whole configuration. Unknown keys or values throw.
    /// </summary>
    public JsonElement Configure(object settings)
    {
        var json = settings as string ?? JsonSerializer.Serialize(settings);
        return Send(HttpMethod.Post, "/_standin/config", json);
    }

    public JsonElement GetConfig() => Send(HttpMethod.Get, "/_standin/config", null);

    /// <summary>Default switches, the initial model store (or <paramref name="installed"/>), no recorded requests.</summary>
    public void Reset(IEnumerable<string>? installed = null)
    {
        var body = installed is null ? "" : JsonSerializer.Serialize(new { installed = installed.ToArray() });
        Send(HttpMethod.Post, "/_standin/reset", body);
    }

    /// <summary>The chat request bodies that reached the runner, oldest first.</summary>
    public JsonElement[] GetRequests() => Send(HttpMethod.Get, "/_standin/requests", null).EnumerateArray().ToArray();

    /// <summary>"Re-pushes" a catalog tag: the registry holds a new artifact (a new digest) for it now; returns the new id.</summary>
    public string Repush(string tag) => Send(HttpMethod.Post, "/_standin/repush", JsonSerializer.Serialize(new { tag })).GetProperty("id").GetString()!;

    /// <summary>Counters: requests, chatRequests, activeStreams, completedStreams, abortedStreams, openConnections, pulls, abortedPulls, statusRequests, chatConnections.</summary>
    public JsonElement GetStats() => Send(HttpMethod.Get, "/_standin/stats", null);

    private JsonElement Send(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = _http.Send(request);
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {path} failed: {(int)response.StatusCode} {text.Trim()}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(3000)) _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        try { Directory.Delete(DockerConfig, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One stand-in shared by every test in the "StandIn" collection; call <see cref="StandInServer.Reset"/> first.</summary>
public sealed class StandInFixture : IDisposable
{
    public StandInServer Server { get; } = StandInServer.Start();

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class StandInCollection : ICollectionFixture<StandInFixture>
{
    public const string Name = "StandIn";
}
