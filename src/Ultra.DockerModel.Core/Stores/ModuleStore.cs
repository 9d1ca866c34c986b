using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Ultra.DockerModel.Registry;

namespace Ultra.DockerModel.Stores
{
    /// <summary>
    /// The module's own store, in Docker's exact layout so Docker Model Runner could read it. Every write is a temporary
    /// file renamed into place; the index is rewritten under a cross-process lock (<c>models.json.lock</c>), and each
    /// blob is downloaded by one process at a time (an exclusive <c>.incomplete</c> file). Docker's own store is never
    /// written: that would race the runner, which keeps no lock on its index.
    /// </summary>
    public sealed class ModuleStore : ModelStore
    {
        private static readonly byte[] Layout = Encoding.UTF8.GetBytes("{\"version\":\"1.0.0\"}");

        public ModuleStore(string root) : base(root, ModelStoreKind.ModuleStore) { }

        private string LockPath => Path.Combine(Root, "models.json.lock");

        /// <summary>Whether the verified blob is there (it only ever gets its final name after its digest was checked).</summary>
        public bool HasBlob(OciDescriptor blob)
        {
            var file = new FileInfo(BlobPath(blob.Digest));
            return file.Exists && file.Length == blob.Size;
        }

        /// <summary>
        /// Opens the blob's <c>.incomplete</c> file for writing, positioned after what an earlier attempt left; null while
        /// another process (or runspace) holds it. Also null, with <paramref name="done"/> set, once the final blob exists.
        /// </summary>
        public BlobWriter? TryOpenBlobWriter(OciDescriptor blob, out bool done)
        {
            string final = BlobPath(blob.Digest);
            done = HasBlob(blob);
            if (done) return null;
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            FileStream stream;
            try
            {
                // bufferSize 1: writes go straight to the file, so a full disk shows at Write, never at a later flush.
                stream = new FileStream(final + ".incomplete", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException e) when (StoreFiles.IsDiskFull(e))
            {
                throw new DiskFullException(final, e);
            }
            catch (IOException)
            {
                return null; // locked by another writer
            }
            done = HasBlob(blob);
            if (done)
            {
                stream.Dispose();
                TryDelete(final + ".incomplete");
                return null;
            }
            stream.Position = stream.Length;
            return new BlobWriter(stream, final);
        }

        /// <summary>Bytes already written to a blob's partial file (another process's download, watched while waiting for it).</summary>
        public long IncompleteLength(OciDescriptor blob)
        {
            var file = new FileInfo(BlobPath(blob.Digest) + ".incomplete");
            return file.Exists ? file.Length : 0;
        }

        /// <summary>
        /// Records a pulled model: its raw manifest, then the index entry (the tag moved here from any other model, as
        /// Docker does). Refused unless every blob is in place, so the index never names a model that is not complete.
        /// Returns whether the index changed.
        /// </summary>
        public bool AddModel(OciManifest manifest, string? tag, CancellationToken cancellationToken)
        {
            var missing = manifest.Blobs.FirstOrDefault(b => !HasBlob(b));
            if (missing != null) throw new InvalidOperationException($"Blob {missing.Digest} is not in the store yet.");
            string id = manifest.Digest;
            string manifestPath = ManifestPath(id);
            if (!File.Exists(manifestPath)) StoreFiles.WriteAtomic(manifestPath, manifest.Raw);
            using var _ = StoreLock.Acquire(LockPath, cancellationToken);
            if (!File.Exists(LayoutPath)) StoreFiles.WriteAtomic(LayoutPath, Layout);
            var index = ReadIndex();
            bool changed = false;
            var entry = index.FindById(id);
            if (entry is null)
            {
                entry = new StoreIndexEntry(id, Array.Empty<string>(), manifest.Blobs.Select(b => b.Digest));
                index.Models.Add(entry);
                changed = true;
            }
            if (tag != null && !entry.Tags.Contains(tag))
            {
                foreach (var other in index.Models) changed |= other.Tags.Remove(tag);
                entry.Tags.Add(tag);
                changed = true;
            }
            if (changed || !File.Exists(IndexPath)) StoreFiles.WriteAtomic(IndexPath, index.ToJson());
            return changed;
        }

        /// <summary>
        /// Removes one tag (<paramref name="tag"/> given in any spelling <see cref="ModelReference.Normalize"/> maps to the
        /// stored one, and the model keeps others) or the whole model: the index first,
        /// then its manifest and the blobs no other model uses, so an interruption leaves unreferenced files, never a
        /// model whose files are gone. Returns false when the store does not hold the model.
        /// </summary>
        public bool Remove(string id, string? tag, CancellationToken cancellationToken)
        {
            using (StoreLock.Acquire(LockPath, cancellationToken))
            {
                var index = ReadIndex();
                var entry = index.FindById(id);
                if (entry is null) return false;
                string? stored = tag is null ? null : entry.Tags.FirstOrDefault(t => ModelReference.Normalize(t) == ModelReference.Normalize(tag));
                if (tag != null && stored is null) return false;
                if (stored != null && entry.Tags.Count > 1)
                {
                    entry.Tags.Remove(stored);
                    StoreFiles.WriteAtomic(IndexPath, index.ToJson());
                    return true;
                }
                index.Models.Remove(entry);
                StoreFiles.WriteAtomic(IndexPath, index.ToJson());
                var used = new HashSet<string>(index.Models.SelectMany(m => m.Files));
                var orphans = entry.Files.Where(f => !used.Contains(f) && OciDigest.IsSha256(f)).ToList();
                TryDelete(ManifestPath(id));
                foreach (string blob in orphans) TryDelete(BlobPath(blob));
            }
            return true;
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); }
            catch (IOException) { /* in use (a model loaded on Windows): left as an unreferenced file */ }
            catch (UnauthorizedAccessException) { }
        }
    }
}
