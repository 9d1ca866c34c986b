using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using Ultra.DockerModel.Internal;

namespace Ultra.DockerModel.Settings
{
    /// <summary>
    /// Reads and writes <c>settings.json</c> under the user's local application data folder (or ULTRA_DOCKERMODEL_HOME).
    /// Writes go to a temporary file that replaces the old one, under a lock file, so a crash or a second process
    /// never leaves a half-written file; a broken file is reported with its path and never overwritten: replacing it
    /// (<see cref="Replace"/>) first moves it aside to <c>settings.json.corrupt-&lt;timestamp&gt;</c>.
    /// </summary>
    public sealed class SettingsStore
    {
        public const string HomeVariable = "ULTRA_DOCKERMODEL_HOME";

        private static readonly JsonSerializerOptions Json = new()
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter() },
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };

        public SettingsStore(string? folder = null)
        {
            Folder = folder ?? DefaultFolder();
            FilePath = Path.Combine(Folder, "settings.json");
        }

        public string Folder { get; }
        public string FilePath { get; }

        public static string DefaultFolder()
        {
            string? home = Environment.GetEnvironmentVariable(HomeVariable);
            return !string.IsNullOrWhiteSpace(home)
                ? home!
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "Ultra.DockerModel");
        }

        /// <summary>The saved settings, or the defaults when there is no file yet.</summary>
        public ModuleSettings Load()
        {
            string text;
            try
            {
                if (!File.Exists(FilePath)) return new ModuleSettings();
                text = File.ReadAllText(FilePath, Encoding.UTF8);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new DockerModelException(ErrorKind.SettingsInvalid, $"The settings file '{FilePath}' could not be read: {e.Message}", null, e);
            }
            try
            {
                var settings = JsonSerializer.Deserialize<ModuleSettings>(text, Json) ?? throw new JsonException("the file holds null");
                foreach (var p in settings.Providers) p.Validate();
                foreach (var t in settings.Templates) t.Validate();
                return settings;
            }
            catch (Exception e) when (e is JsonException || e is DockerModelException || e is NotSupportedException)
            {
                throw new SettingsCorruptException(FilePath, e);
            }
        }

        /// <summary>Why the file's content is not valid settings; null when it is (or there is no file). Unreadable files still throw.</summary>
        public SettingsCorruptException? Corruption()
        {
            try
            {
                Load();
                return null;
            }
            catch (SettingsCorruptException e)
            {
                return e;
            }
        }

        /// <summary>Where <see cref="Replace"/> keeps a corrupt file: beside it, named after the time (UTC) it was set aside.</summary>
        public string CorruptCopyPath(DateTime utc) => FilePath + ".corrupt-" + utc.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>
        /// Like <see cref="Update"/>, except that a file whose content is not valid settings is first moved to
        /// <paramref name="corruptCopy"/> (kept, never deleted) and the change starts from the defaults. Says whether it
        /// moved one.
        /// </summary>
        public (ModuleSettings Settings, bool MovedAside) Replace(Action<ModuleSettings> change, string corruptCopy) => Locked(() =>
        {
            ModuleSettings settings;
            bool moved = false;
            try
            {
                settings = Load();
            }
            catch (SettingsCorruptException)
            {
                File.Move(FilePath, corruptCopy);
                moved = true;
                settings = new ModuleSettings();
            }
            change(settings);
            Write(settings);
            return (settings, moved);
        });

        /// <summary>Replaces the file atomically.</summary>
        public void Save(ModuleSettings settings) => Locked(() => Write(settings));

        /// <summary>Reads, changes and writes the settings under the lock, so two processes never lose each other's change.</summary>
        public ModuleSettings Update(Action<ModuleSettings> change) => Locked(() =>
        {
            var settings = Load();
            change(settings);
            Write(settings);
            return settings;
        });

        private T Locked<T>(Func<T> action)
        {
            try
            {
                Directory.CreateDirectory(Folder);
                using var _ = AcquireLock();
                return action();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new DockerModelException(ErrorKind.SettingsInvalid, $"The settings file '{FilePath}' could not be written: {e.Message}", null, e);
            }
        }

        private void Locked(Action action) => Locked(() => { action(); return true; });

        private void Write(ModuleSettings settings)
        {
            foreach (var p in settings.Providers) p.Validate();
            foreach (var t in settings.Templates) t.Validate();
            byte[] bytes = new UTF8Encoding(false).GetBytes(JsonSerializer.Serialize(settings, Json) + "\n");
            AtomicFile.Write(FilePath, bytes);
        }

        // Another process may be saving at this moment: wait for it rather than interleave.
        private FileStream AcquireLock()
        {
            string lockPath = Path.Combine(Folder, "settings.lock");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                try
                {
                    return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(20);
                }
            }
        }
    }
}
