using System;
using System.IO;
using System.Runtime.InteropServices;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Stores
{
    /// <summary>Where the stores are: the module's (writable) and Docker's (read only).</summary>
    public static class StoreLocations
    {
        /// <summary>Overrides the module's store folder (tests, or a bigger disk).</summary>
        public const string ModuleStoreVariable = "ULTRA_DOCKERMODEL_MODELS_PATH";
        /// <summary>Docker Model Runner's own override of its store folder.</summary>
        public const string DockerStoreVariable = "MODELS_PATH";
        /// <summary>Docker Engine's named volume for the runner's store (model-runner cmd/cli/pkg/standalone/volumes.go).</summary>
        public const string DockerEngineVolume = "docker-model-runner-models";

        /// <summary>
        /// The module's store: <c>$ULTRA_DOCKERMODEL_MODELS_PATH</c>, else the <c>ModelStorePath</c> setting, else
        /// <c>$ULTRA_DOCKERMODEL_HOME/models</c>, else the platform's data folder: <c>%LOCALAPPDATA%\Ultra.DockerModel\models</c>,
        /// <c>$XDG_DATA_HOME/ultra-dockermodel/models</c> (or <c>~/.local/share/...</c>),
        /// <c>~/Library/Application Support/Ultra.DockerModel/models</c>.
        /// </summary>
        public static string ModuleStore(ModuleSettings? settings) => ModuleStore(settings, Environment.GetEnvironmentVariable);

        internal static string ModuleStore(ModuleSettings? settings, Func<string, string?> environment)
        {
            if (NonEmpty(environment(ModuleStoreVariable)) is string env) return env;
            if (NonEmpty(settings?.ModelStorePath) is string set) return set;
            if (NonEmpty(environment(SettingsStore.HomeVariable)) is string home) return Path.Combine(home, "models");
            string profile = Profile(environment);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Ultra.DockerModel", "models");
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                return Path.Combine(profile, "Library", "Application Support", "Ultra.DockerModel", "models");
            string data = NonEmpty(environment("XDG_DATA_HOME")) ?? Path.Combine(profile, ".local", "share");
            return Path.Combine(data, "ultra-dockermodel", "models");
        }

        /// <summary>
        /// Docker's store, when one is there: <c>$MODELS_PATH</c> when set (Docker Model Runner uses nothing else then),
        /// else <c>~/.docker/models</c> (Docker Desktop, <c>dmr serve</c>), else Docker Engine's volume on Linux when this
        /// user can read it (normally root only).
        /// </summary>
        public static string? DockerStore() => DockerStore(Environment.GetEnvironmentVariable);

        internal static string? DockerStore(Func<string, string?> environment)
        {
            if (NonEmpty(environment(DockerStoreVariable)) is string env) return env;
            string home = Profile(environment);
            string desktop = Path.Combine(home, ".docker", "models");
            if (new ModelStore(desktop, ModelStoreKind.DockerStore).Exists) return desktop;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return null;
            string data = NonEmpty(environment("XDG_DATA_HOME")) ?? Path.Combine(home, ".local", "share");
            foreach (string volumes in new[] { "/var/lib/docker/volumes", Path.Combine(data, "docker", "volumes") })
            {
                string root = Path.Combine(volumes, DockerEngineVolume, "_data");
                if (IsReadable(Path.Combine(root, "models.json"))) return root;
            }
            return null;
        }

        private static string Profile(Func<string, string?> environment) =>
            NonEmpty(environment(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "USERPROFILE" : "HOME"))
            ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        private static bool IsReadable(string path)
        {
            try { return StoreFiles.ReadAllBytesShared(path) != null; }
            catch (Exception e) when (e is UnauthorizedAccessException || e is IOException) { return false; }
        }

        private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
    }
}
