using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Lifecycle
{
    /// <summary>
    /// Deletes files of the module's store that no model refers to (Remove-LocalModel -Orphaned). Never Docker's store:
    /// only a <see cref="ModuleStore"/> is accepted. Each file is checked again under the index lock, so a model indexed
    /// meanwhile keeps its files; a download still being written (its <c>.incomplete</c> file held open) is left; and so
    /// is any file changed in the last <see cref="MinimumAge"/>, which may belong to a pull that has not indexed its
    /// model yet (blobs are committed one by one, the index last).
    /// </summary>
    public static class OrphanCleaner
    {
        public static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);

        /// <summary>The orphans that may be deleted now (old enough); the rest are reported by <see cref="StoreScan.Orphans"/> only.</summary>
        public static IReadOnlyList<OrphanFile> Removable(ModuleStore store, DateTime utcNow) =>
            StoreScan.Orphans(store).Where(f => utcNow - f.LastWriteUtc >= MinimumAge).ToList();

        /// <summary>Deletes <paramref name="file"/> if it is still an orphan; returns whether it was deleted.</summary>
        public static bool Delete(ModuleStore store, OrphanFile file, CancellationToken cancellationToken)
        {
            using var _ = StoreLock.Acquire(store.LockPath, cancellationToken);
            bool stillOrphan = StoreScan.Files(store, store.ReadIndex()).Any(f => !f.Referenced && PathEquals(f.Path, file.Path));
            if (!stillOrphan) return false;
            try
            {
                if (file.Kind == "Incomplete")
                {
                    // Exclusive, deleted on close: fails at once while a pull writes it (its writer holds it the same way).
                    using var held = new FileStream(file.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                    return true;
                }
                File.Delete(file.Path);
                return true;
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }

        private static bool PathEquals(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
    }
}
