using System.IO;

namespace Ultra.DockerModel.Internal
{
    /// <summary>Whole-file writes a reader never sees half done, even across a crash (settings, store indexes).</summary>
    internal static class AtomicFile
    {
        /// <summary>Writes a temporary file next to <paramref name="path"/>, flushed to disk, then renames it over the target.</summary>
        public static void Write(string path, byte[] bytes)
        {
            string temp = path + "." + System.Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }
                if (File.Exists(path)) File.Replace(temp, path, null);
                else File.Move(temp, path);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
    }
}
