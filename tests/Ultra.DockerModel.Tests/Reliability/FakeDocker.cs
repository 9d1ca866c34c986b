using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Ultra.DockerModel.Tests.Reliability;

/// <summary>
/// A `docker` executable written for one test: a sh script that prints chosen bytes (with pauses, so that the reader
/// meets every split), chosen stderr and exit code. It shows exactly what the real process path (DockerCli, the pipe,
/// DockerCliChatClient) does with output the stand-in cannot produce. Unix only (the suite runs on Linux).
/// </summary>
internal sealed class FakeDocker : IDisposable
{
    private readonly List<string> _lines = new() { "#!/bin/sh", "echo ran >> \"$(dirname \"$0\")/ran.log\"" };

    public FakeDocker()
    {
        Folder = Path.Combine(Path.GetTempPath(), "udm-fake-docker-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }
    public string Executable => Path.Combine(Folder, "docker");

    /// <summary>How many times the script ran.</summary>
    public int Runs => File.Exists(Path.Combine(Folder, "ran.log")) ? File.ReadAllLines(Path.Combine(Folder, "ran.log")).Length : 0;

    /// <summary>Writes <paramref name="bytes"/> to stdout, <paramref name="chunk"/> bytes at a time, pausing between writes.</summary>
    public FakeDocker Stdout(byte[] bytes, int chunk = int.MaxValue, double pauseSeconds = 0.02)
    {
        for (int i = 0; i < bytes.Length; i += chunk)
        {
            var part = bytes.Skip(i).Take(chunk);
            _lines.Add("printf '" + string.Concat(part.Select(b => "\\" + Convert.ToString(b, 8).PadLeft(3, '0'))) + "'");
            if (i + chunk < bytes.Length && pauseSeconds > 0) _lines.Add($"sleep {pauseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        return this;
    }

    public FakeDocker Stdout(string text, int chunk = int.MaxValue, double pauseSeconds = 0.02) => Stdout(Encoding.UTF8.GetBytes(text), chunk, pauseSeconds);

    public FakeDocker Stderr(string text)
    {
        _lines.Add("printf '" + string.Concat(Encoding.UTF8.GetBytes(text).Select(b => "\\" + Convert.ToString(b, 8).PadLeft(3, '0'))) + "' >&2");
        return this;
    }

    /// <summary>Starts a grandchild that sleeps, records its pid in child.pid, then waits for it (a hang with a process tree).</summary>
    public FakeDocker HangWithChild()
    {
        _lines.Add("sleep 300 &");
        _lines.Add("echo $! > \"$(dirname \"$0\")/child.pid\"");
        _lines.Add("wait");
        return this;
    }

    public FakeDocker Command(string line)
    {
        _lines.Add(line);
        return this;
    }

    /// <summary>Writes the script with this exit code; returns the DockerCli that runs it.</summary>
    public DockerCli Build(int exitCode = 0)
    {
        File.WriteAllText(Executable, string.Join("\n", _lines.Append($"exit {exitCode}")) + "\n", new UTF8Encoding(false));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new DockerCli(Executable);
    }

    public int? ChildPid => File.Exists(Path.Combine(Folder, "child.pid")) && int.TryParse(File.ReadAllText(Path.Combine(Folder, "child.pid")).Trim(), out int pid) ? pid : null;

    /// <summary>Whether a process is alive (a zombie, already dead but not yet reaped, counts as gone).</summary>
    public static bool IsAlive(int pid)
    {
        Providers.ProviderTestKit.SkipUnlessProcFs();
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat.Substring(stat.LastIndexOf(')') + 2, 1) != "Z";
        }
        catch (IOException) { return false; }
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, true); }
        catch (IOException) { }
    }
}
