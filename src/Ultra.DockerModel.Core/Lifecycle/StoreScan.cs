using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Lifecycle
{
    /// <summary>A file of a store that no model refers to.</summary>
    public sealed class OrphanFile
    {
        public string Path { get; init; } = "";
        public long Bytes { get; init; }
        /// <summary><c>Blob</c>, <c>Manifest</c>, <c>Incomplete</c> (a download that did not finish) or <c>Temporary</c> (a write that did not finish).</summary>
        public string Kind { get; init; } = "";
        public DateTime LastWriteUtc { get; init; }

        public override string ToString() => Path;
    }

    /// <summary>
    /// Reads a store's files against its index (model-runner's layout): which bytes belong to models, which to
    /// unfinished downloads, and which to nothing. Only reads; Docker's store is scanned the same way and never changed.
    /// </summary>
    public static class StoreScan
    {
        /// <summary>The store's usage; the volume's free space from the store folder (or the nearest folder above it that exists).</summary>
        public static ModelStorage Measure(ModelStore store)
        {
            var (free, total) = Volume(store.Root);
            if (!Directory.Exists(store.Root))
                return new ModelStorage { Store = store.Kind, Path = store.Root, Models = 0, ModelBytes = 0, IncompleteBytes = 0, UnreferencedBytes = 0, FreeBytes = free, VolumeBytes = total };
            var index = store.ReadIndex();
            var files = Files(store, index);
            return new ModelStorage
            {
                Store = store.Kind,
                Path = store.Root,
                Models = index.Models.Count,
                ModelBytes = files.Where(f => f.Referenced).Sum(f => f.Bytes),
                IncompleteBytes = files.Where(f => f.Kind == "Incomplete").Sum(f => f.Bytes),
                UnreferencedBytes = files.Where(f => !f.Referenced && f.Kind != "Incomplete").Sum(f => f.Bytes),
                FreeBytes = free,
                VolumeBytes = total,
            };
        }

        /// <summary>Every file of the store that no model refers to: blobs, manifests, <c>.incomplete</c> and temporary files.</summary>
        public static IReadOnlyList<OrphanFile> Orphans(ModelStore store)
        {
            if (!Directory.Exists(store.Root)) return Array.Empty<OrphanFile>();
            return Files(store, store.ReadIndex()).Where(f => !f.Referenced)
                .Select(f => new OrphanFile { Path = f.Path, Bytes = f.Bytes, Kind = f.Kind, LastWriteUtc = f.LastWriteUtc }).ToList();
        }

        internal sealed class ScannedFile
        {
            public string Path = "";
            public long Bytes;
            public string Kind = "";
            public bool Referenced;
            public DateTime LastWriteUtc;
        }

        internal static List<ScannedFile> Files(ModelStore store, StoreIndex index)
        {
            var blobs = new HashSet<string>(index.Models.SelectMany(m => m.Files).Where(OciDigest.IsSha256).Select(OciDigest.Hex), StringComparer.Ordinal);
            var manifests = new HashSet<string>(index.Models.Select(m => m.Id).Where(OciDigest.IsSha256).Select(OciDigest.Hex), StringComparer.Ordinal);
            var list = new List<ScannedFile>();
            Add(list, System.IO.Path.Combine(store.Root, "blobs", "sha256"), "Blob", blobs);
            Add(list, System.IO.Path.Combine(store.Root, "manifests", "sha256"), "Manifest", manifests);
            return list;
        }

        private static void Add(List<ScannedFile> list, string folder, string kind, HashSet<string> referenced)
        {
            if (!Directory.Exists(folder)) return;
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
            {
                string name = file.Name;
                string fileKind = name.EndsWith(".incomplete", StringComparison.Ordinal) ? "Incomplete"
                    : name.EndsWith(".tmp", StringComparison.Ordinal) ? "Temporary" : kind;
                list.Add(new ScannedFile
                {
                    Path = file.FullName,
                    Bytes = file.Length,
                    Kind = fileKind,
                    Referenced = fileKind == kind && referenced.Contains(name),
                    LastWriteUtc = file.LastWriteTimeUtc,
                });
            }
        }

        private static (long? Free, long? Total) Volume(string path)
        {
            try
            {
                string? existing = System.IO.Path.GetFullPath(path);
                while (existing != null && !Directory.Exists(existing)) existing = System.IO.Path.GetDirectoryName(existing);
                if (existing is null) return (null, null);
                // On Windows a DriveInfo takes a drive root; on Unix any folder (statvfs of that folder's file system).
                var drive = new DriveInfo(System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)
                    ? System.IO.Path.GetPathRoot(existing)! : existing);
                return (drive.AvailableFreeSpace, drive.TotalSize);
            }
            catch (Exception e) when (e is IOException || e is ArgumentException || e is UnauthorizedAccessException)
            {
                return (null, null);
            }
        }
    }
}
