using System;
using System.IO;

namespace Ultra.DockerModel.Stores
{
    /// <summary>
    /// A blob being downloaded: <c>blobs/sha256/&lt;hex&gt;.incomplete</c>, opened exclusively so one process at a time
    /// writes it. Only <see cref="Commit"/> (after the caller verified size and digest) gives it its final name;
    /// <see cref="Dispose"/> alone keeps the partial file for a later resume, as Docker does.
    /// </summary>
    public sealed class BlobWriter : IDisposable
    {
        private readonly string _finalPath;
        private bool _closed;

        internal BlobWriter(FileStream stream, string finalPath)
        {
            Stream = stream;
            _finalPath = finalPath;
        }

        /// <summary>Positioned at the end of what earlier attempts wrote.</summary>
        public FileStream Stream { get; }
        public string IncompletePath => Stream.Name;

        /// <summary>Throws away what was written so far (a resume the server did not honour, or bytes that failed the check).</summary>
        public void Truncate()
        {
            Stream.SetLength(0);
            Stream.Position = 0;
        }

        /// <summary>Flushes to disk and renames the verified file to its final name.</summary>
        public void Commit()
        {
            try
            {
                Stream.Flush(flushToDisk: true);
            }
            catch (IOException e) when (StoreFiles.IsDiskFull(e))
            {
                throw new DiskFullException(IncompletePath, e);
            }
            Close();
            if (File.Exists(_finalPath)) File.Delete(IncompletePath); // another process finished the same blob first
            else File.Move(IncompletePath, _finalPath);
        }

        /// <summary>Deletes the partial file: its bytes are known bad.</summary>
        public void Discard()
        {
            Close();
            File.Delete(IncompletePath);
        }

        public void Dispose() => Close();

        private void Close()
        {
            if (_closed) return;
            _closed = true;
            Stream.Dispose();
        }
    }
}
