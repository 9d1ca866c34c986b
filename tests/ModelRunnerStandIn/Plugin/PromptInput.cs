using System.Text;

namespace ModelRunnerStandIn.Plugin;

/// <summary>How `run` builds its prompt (reference 3.1): words, then stdin, then @file inclusion and TrimSpace.</summary>
public static class PromptInput
{
    /// <summary>
    /// Go reads stdin to EOF unless it is a character device. A TTY and /dev/null are character devices;
    /// a pipe or a file is read (and an open pipe that never closes blocks here, as it does for the real CLI).
    /// </summary>
    public static string? ReadStdinIfRedirected()
    {
        if (!Console.IsInputRedirected) return null;
        try
        {
            if (OperatingSystem.IsLinux() && new FileInfo("/proc/self/fd/0").LinkTarget is { } target && target.StartsWith("/dev/", StringComparison.Ordinal)
                && !target.StartsWith("/dev/fd/", StringComparison.Ordinal) && !target.StartsWith("/dev/shm/", StringComparison.Ordinal))
                return null;
        }
        catch (IOException) { }
        using var stdin = Console.OpenStandardInput();
        var ms = new MemoryStream();
        try { stdin.CopyTo(ms); }
        catch (IOException) { return null; }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>processFileInclusions: `@path`, `@"path"`, `@'path'` become the file's text (images are left alone).</summary>
    public static string IncludeFiles(string prompt)
    {
        if (!prompt.Contains('@')) return prompt;
        var sb = new StringBuilder();
        int i = 0;
        while (i < prompt.Length)
        {
            if (prompt[i] != '@' || i + 1 >= prompt.Length) { sb.Append(prompt[i++]); continue; }
            char q = prompt[i + 1];
            int start, end, next;
            if (q is '"' or '\'')
            {
                start = i + 2;
                end = prompt.IndexOf(q, start);
                if (end <= start) { sb.Append(prompt[i++]); continue; }
                next = end + 1;
            }
            else
            {
                start = i + 1;
                end = start;
                while (end < prompt.Length && !char.IsWhiteSpace(prompt[end]) && prompt[end] is not ('"' or '\'')) end++;
                if (end == start || (end < prompt.Length && !char.IsWhiteSpace(prompt[end]))) { sb.Append(prompt[i++]); continue; }
                next = end;
            }
            var path = prompt[start..end];
            string? content = null;
            try
            {
                if (File.Exists(path) && !IsImage(path)) content = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            if (content is null) { sb.Append(prompt[i++]); continue; }
            sb.Append(content);
            i = next;
        }
        return sb.ToString();
    }

    private static bool IsImage(string path) =>
        path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".webp", StringComparison.OrdinalIgnoreCase);
}
