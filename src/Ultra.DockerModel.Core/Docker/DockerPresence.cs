using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Whether `docker model` could run here at all, from the file system alone (no process): the docker client on PATH,
    /// and the docker-model CLI plugin where the docker client looks for plugins (docker/cli cli-plugins/manager: the
    /// config folder's cli-plugins, the config's cliPluginsExtraDirs, then the system folders).
    /// </summary>
    public static class DockerPresence
    {
        /// <summary>Why Docker Model Runner cannot be there ("docker is not on PATH", ...), or null when it may be.</summary>
        public static string? WhyMissing(Func<string, string?>? environment = null)
        {
            environment ??= Environment.GetEnvironmentVariable;
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            string docker = windows ? "docker.exe" : "docker";
            var path = (environment("PATH") ?? "").Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries);
            if (!path.Any(dir => File.Exists(Path.Combine(dir.Trim('"'), docker))))
                return "Docker is not installed (no docker on PATH)";
            string plugin = windows ? "docker-model.exe" : "docker-model";
            if (!PluginFolders(environment, windows).Any(dir => File.Exists(Path.Combine(dir, plugin))))
                return "the Docker Model Runner plugin is not installed ('docker model' is not a docker command)";
            return null;
        }

        private static IEnumerable<string> PluginFolders(Func<string, string?> environment, bool windows)
        {
            string home = environment(windows ? "USERPROFILE" : "HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string config = environment("DOCKER_CONFIG") is { Length: > 0 } set ? set : Path.Combine(home, ".docker");
            yield return Path.Combine(config, "cli-plugins");
            foreach (string extra in ExtraDirs(Path.Combine(config, "config.json"))) yield return extra;
            if (windows)
            {
                yield return Path.Combine(environment("ProgramData") ?? @"C:\ProgramData", "Docker", "cli-plugins");
                yield return Path.Combine(environment("ProgramFiles") ?? @"C:\Program Files", "Docker", "cli-plugins");
                yield break;
            }
            foreach (string dir in new[] { "/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins" })
                yield return dir;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) yield return "/Applications/Docker.app/Contents/Resources/cli-plugins";
        }

        private static IEnumerable<string> ExtraDirs(string configFile)
        {
            try
            {
                if (!File.Exists(configFile)) return Array.Empty<string>();
                using var doc = JsonDocument.Parse(File.ReadAllText(configFile));
                return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("cliPluginsExtraDirs", out var dirs)
                    && dirs.ValueKind == JsonValueKind.Array
                    ? dirs.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.String).Select(d => d.GetString()!).ToList()
                    : Array.Empty<string>();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonException)
            {
                return Array.Empty<string>();
            }
        }
    }
}
