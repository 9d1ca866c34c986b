using System;
using System.IO;
using System.Threading;

namespace Ultra.DockerModel.Stores
{
    /// <summary>
    /// A cross-process lock on a store's index: an exclusive open of a lock file (FileShare.None is enforced between
    /// processes on Windows, and taken as flock(LOCK_EX) by .NET on Linux and macOS). The file is left in place:
    /// deleting it on release would let a waiter lock a file another process has just replaced.
    /// </summary>
    internal sealed class StoreLock : IDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
        private readonly FileStream _file;

        private StoreLock(FileStream file) => _file = file;

        public static StoreLock Acquire(string path, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                try
                {
                    return new StoreLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException e) when (!StoreFiles.IsDiskFull(e) && e is not FileNotFoundException and not DirectoryNotFoundException)
                {
                    if (DateTime.UtcNow > deadline)
                        throw new ModelStoreException(path, $"stayed locked by another process for {Timeout.TotalSeconds:0} s; if no other PowerShell is installing or removing a model, delete it.", e);
                    cancellationToken.WaitHandle.WaitOne(25);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        public void Dispose() => _file.Dispose();
    }
}
