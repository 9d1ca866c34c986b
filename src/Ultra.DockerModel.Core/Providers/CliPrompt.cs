using System;
using System.IO;
using System.Linq;

namespace Ultra.DockerModel.Providers
{
    /// <summary>
    /// Prompts that <c>docker model run</c> would not deliver as typed (reference 3.1): an empty prompt starts its
    /// interactive chat (whose <c>&gt; </c> would come back as the "answer"), <c>@path</c> naming an existing file is
    /// replaced by the file's contents, and a path to an existing image is taken out and sent as an image. Such
    /// prompts go over HTTP, or are refused, but never reach the model rewritten.
    /// </summary>
    public static class CliPrompt
    {
        private static readonly string[] ImageExtensions = { ".jpg", ".jpeg", ".png", ".webp" };

        /// <summary>Why the CLI would not deliver <paramref name="prompt"/> as typed; null when it would.</summary>
        public static string? Problem(string prompt)
        {
            if (string.IsNullOrWhiteSpace(prompt))
                return "An empty prompt cannot go through the docker CLI: 'docker model run' would start its interactive chat.";
            if (prompt.IndexOf('@') >= 0 && NamesFileWithAt(prompt) is { } file)
                return $"The prompt contains '@{file}', which names an existing file: 'docker model run' would replace it with the file's contents.";
            if (NamesImage(prompt) is { } image)
                return $"The prompt contains '{image}', the path of an existing image: 'docker model run' would take it out of the prompt and send the image.";
            return null;
        }

        // @path, @"path" and @'path', as the CLI reads them; any candidate that exists counts.
        private static string? NamesFileWithAt(string prompt)
        {
            for (int i = prompt.IndexOf('@'); i >= 0 && i + 1 < prompt.Length; i = prompt.IndexOf('@', i + 1))
            {
                char q = prompt[i + 1];
                string? candidate = null;
                if (q == '"' || q == '\'')
                {
                    int end = prompt.IndexOf(q, i + 2);
                    if (end > i + 2) candidate = prompt.Substring(i + 2, end - i - 2);
                }
                if (candidate == null || !Exists(candidate))
                {
                    int start = q == '"' || q == '\'' ? i + 2 : i + 1;
                    int end = start;
                    while (end < prompt.Length && !char.IsWhiteSpace(prompt[end]) && prompt[end] != '"' && prompt[end] != '\'') end++;
                    candidate = end > start ? prompt.Substring(start, end - start) : null;
                }
                if (candidate != null && Exists(candidate)) return candidate;
            }
            return null;
        }

        private static string? NamesImage(string prompt)
        {
            foreach (string word in prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                string path = word.Trim('"', '\'', '@');
                if (ImageExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)) && Exists(path)) return path;
            }
            return null;
        }

        private static bool Exists(string path)
        {
            try { return path.IndexOfAny(Path.GetInvalidPathChars()) < 0 && File.Exists(path); }
            catch (Exception e) when (e is ArgumentException || e is IOException || e is UnauthorizedAccessException || e is NotSupportedException) { return false; }
        }
    }
}
