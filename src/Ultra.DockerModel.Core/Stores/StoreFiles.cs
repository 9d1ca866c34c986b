using System;
using System.IO;
using Ultra.DockerModel.Internal;

namespace Ultra.DockerModel.Stores
{
    /// <summary>File operations every store uses: share-friendly reads, atomic writes, and a full disk told apart.</summary>
    internal static class StoreFiles
    {
        /// <summary>
        /// The whole file, or null when it does not exist. Opened with ReadWrite|Delete sharing and closed at once, so a
        /// writer (Docker Model Runner renaming over it, on Windows too) is never blocked by this read.
        /// </summary>
        public static byte[]? ReadAllBytesShared(string path)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var bytes = new byte[stream.Length];
                int read = 0;
                while (read < bytes.Length)
                {
                    int n = stream.Read(bytes, read, bytes.Length - read);
                    if (n == 0) break;
                    read += n;
                }
                if (read == bytes.Length) return bytes;
                Array.Resize(ref bytes, read);
                return bytes;
            }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
        }

        /// <summary><see cref="AtomicFile.Write"/>, with a full disk reported as <see cref="DiskFullException"/>.</summary>
        public static void WriteAtomic(string path, byte[] bytes)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                AtomicFile.Write(path, bytes);
            }
            catch (IOException e) when (IsDiskFull(e))
            {
                throw new DiskFullException(path, e);
            }
        }

        /// <summary>ENOSPC/EDQUOT on Unix (the HResult is the errno there), ERROR_DISK_FULL/ERROR_HANDLE_DISK_FULL on Windows.</summary>
        public static bool IsDiskFull(IOException e)
        {
            int code = e.HResult;
            return code is 28 or 122 or 69 /* ENOSPC, EDQUOT (Linux), EDQUOT (macOS) */
                || (code & 0xFFFF) is 112 or 39 && (code & unchecked((int)0xFFFF0000)) == unchecked((int)0x80070000);
        }
    }
}
