using System.Text;

namespace ModelRunnerStandIn.Plugin;

/// <summary>
/// Unbuffered byte output on fd 1 or 2: every call is one write, so streamed tokens reach the reader at once,
/// and raw (even invalid) UTF-8 passes through untouched. Lines end in "\n" on every OS, like the Go CLI.
/// </summary>
public sealed class Output(Stream stream)
{
    /// <summary>
    /// fd 1 or 2. For a pipe, a raw FileStream: .NET's console streams swallow EPIPE, but the plugin must notice a
    /// reader that went away (see Write). For a regular file, the console stream: a FileStream would write at its own
    /// offset (pwrite) instead of appending to what the shell or the docker client already wrote.
    /// </summary>
    public static Output ForFd(int fd)
    {
        Stream Console() => fd == 1 ? System.Console.OpenStandardOutput() : System.Console.OpenStandardError();
        if (OperatingSystem.IsWindows()) return new Output(Console());
        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false);
        try
        {
            var fs = new FileStream(handle, FileAccess.Write, bufferSize: 0);
            if (!fs.CanSeek) return new Output(fs);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
        }
        return new Output(Console());
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return;
        try
        {
            stream.Write(bytes);
            stream.Flush();
        }
        catch (IOException)
        {
            // The reader went away. A Go program writing to a broken stdout/stderr pipe dies of SIGPIPE;
            // 141 is how a shell reports that.
            Environment.Exit(141);
        }
    }

    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    public void Line(string text = "") => Write(text + "\n");
}

/// <summary>The CLI's tables (newTable in utils.go): no borders, left-aligned, every cell padded plus two spaces.</summary>
public static class TextTable
{
    public static string Render(string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = new int[header.Length];
        foreach (var r in all)
            for (int c = 0; c < header.Length; c++)
                widths[c] = Math.Max(widths[c], Width(c < r.Length ? r[c] : ""));
        var sb = new StringBuilder();
        foreach (var r in all)
        {
            for (int c = 0; c < header.Length; c++)
            {
                var cell = c < r.Length ? r[c] : "";
                sb.Append(cell).Append(' ', widths[c] - Width(cell)).Append("  ");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static int Width(string s)
    {
        int w = 0;
        foreach (var r in s.EnumerateRunes()) w += IsWide(r.Value) ? 2 : 1;
        return w;
    }

    // East Asian wide ranges, as go-runewidth counts them for the common cases.
    private static bool IsWide(int cp) =>
        cp is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1FAFF
            or >= 0x20000 and <= 0x3FFFD;
}
