using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Caching
{
    /// <summary>How much the response cache holds (for the storage report and Clear-LlmResponseCache).</summary>
    public sealed class CacheUsage
    {
        public string Path { get; init; } = "";
        public int Entries { get; init; }
        public long Bytes { get; init; }
        public long MaxBytes { get; init; }
    }

    /// <summary>One cached answer: its pieces as they streamed, so a hit streams the same way.</summary>
    public sealed class CachedAnswer
    {
        public List<string> Pieces { get; set; } = new();
        public string? Model { get; set; }
        public string Provider { get; set; } = "";
        public string? FinishReason { get; set; }
        public int? PromptTokens { get; set; }
        public int? CompletionTokens { get; set; }
        public DateTime Created { get; set; }
    }

    /// <summary>
    /// Answers on disk, one file per key under the module's data folder (cache/responses). Safe across processes
    /// without a lock: an entry is written to a temporary file and renamed into place (a reader sees the old file,
    /// the new one, or none, never half of one); a hit marks the file used (its write time), and after a write the
    /// least recently used entries go until the folder is back under its bound. A file another process removes
    /// meanwhile is a miss, and an unreadable one is removed and a miss.
    /// </summary>
    public sealed class ResponseCache
    {
        public const long DefaultMaxBytes = 256L * 1024 * 1024;
        private const string Extension = ".json";
        private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

        /// <param name="folder">Default: cache/responses in the module's data folder (ULTRA_DOCKERMODEL_HOME in tests).</param>
        public ResponseCache(string? folder = null, long maxBytes = DefaultMaxBytes)
        {
            Folder = folder ?? DefaultFolder();
            MaxBytes = maxBytes > 0 ? maxBytes : DefaultMaxBytes;
        }

        /// <summary>The user's cache, with the bound the settings give (the storage report reads its <see cref="GetUsage"/>).</summary>
        public static ResponseCache FromSettings(ModuleSettings settings) => new(null, settings.ResponseCacheMaxMB * 1024L * 1024);

        public static string DefaultFolder() => System.IO.Path.Combine(SettingsStore.DefaultFolder(), "cache", "responses");

        public string Folder { get; }
        public long MaxBytes { get; }

        private string PathOf(string key) => System.IO.Path.Combine(Folder, key + Extension);

        public CachedAnswer? TryGet(string key)
        {
            string path = PathOf(key);
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException || e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
            try
            {
                var answer = JsonSerializer.Deserialize<CachedAnswer>(bytes, Json);
                if (answer?.Pieces is null) throw new JsonException("no pieces");
                Touch(path);
                return answer;
            }
            catch (JsonException)
            {
                TryDelete(path);
                return null;
            }
        }

        public void Set(string key, CachedAnswer answer)
        {
            Directory.CreateDirectory(Folder);
            string path = PathOf(key);
            string temp = System.IO.Path.Combine(Folder, key + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(answer, Json));
                try
                {
                    File.Move(temp, path);
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Another process stored the same call meanwhile: either answer will do, the newer wins.
                    try { File.Replace(temp, path, null); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                }
            }
            finally
            {
                TryDelete(temp);
            }
            Trim();
        }

        /// <summary>Removes the least recently used entries until the cache is under 90% of its bound (so not every write trims).</summary>
        public void Trim()
        {
            var files = Entries().ToList();
            long total = files.Sum(f => f.Length);
            if (total <= MaxBytes) return;
            foreach (var f in files.OrderBy(f => f.LastWriteTimeUtc))
            {
                if (total <= MaxBytes * 9 / 10) break;
                if (TryDelete(f.FullName)) total -= f.Length;
            }
        }

        public CacheUsage GetUsage()
        {
            var files = Entries().ToList();
            return new CacheUsage { Path = Folder, Entries = files.Count, Bytes = files.Sum(f => f.Length), MaxBytes = MaxBytes };
        }

        /// <summary>Removes every entry (and temporary files left by a process that died while writing); returns what was there.</summary>
        public CacheUsage Clear()
        {
            var before = GetUsage();
            if (Directory.Exists(Folder))
                foreach (var f in new DirectoryInfo(Folder).EnumerateFiles()) TryDelete(f.FullName);
            return before;
        }

        private IEnumerable<FileInfo> Entries()
        {
            if (!Directory.Exists(Folder)) return Array.Empty<FileInfo>();
            try
            {
                return new DirectoryInfo(Folder).GetFiles("*" + Extension);
            }
            catch (DirectoryNotFoundException)
            {
                return Array.Empty<FileInfo>();
            }
        }

        private static void Touch(string path)
        {
            try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }

        private static bool TryDelete(string path)
        {
            try
            {
                if (!File.Exists(path)) return false;
                File.Delete(path);
                return true;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
