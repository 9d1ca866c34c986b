using System;
using System.Collections.Concurrent;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Models this session saw installed recently, per docker client. <c>docker model run</c> pulls a missing model
    /// on its own, so the CLI transport checks first (<c>docker model inspect</c>); remembering the answer keeps that
    /// check to one process start per model every few minutes. Removing any model forgets everything.
    /// </summary>
    internal static class InstalledModels
    {
        private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(5);
        private static readonly ConcurrentDictionary<(DockerCli Cli, string Model), DateTime> Seen = new();

        public static bool IsKnown(DockerCli cli, string model) =>
            Seen.TryGetValue((cli, Key(model)), out var at) && DateTime.UtcNow - at < Fresh;

        public static void Remember(DockerCli cli, string model) => Seen[(cli, Key(model))] = DateTime.UtcNow;

        public static void ForgetAll() => Seen.Clear();

        private static string Key(string model) => ModelReference.Normalize(model);
    }
}
