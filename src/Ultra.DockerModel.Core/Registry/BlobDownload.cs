using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Registry
{
    /// <summary>The connection broke mid-blob: what was written stays in the <c>.incomplete</c> file for a resume.</summary>
    internal sealed class BlobInterruptedException : Exception
    {
        public BlobInterruptedException(string message, Exception? inner = null) : base(message, inner) { }
    }

    /// <summary>
    /// Streams one blob into its <see cref="BlobWriter"/>, hashing as it goes (the blob is never held in memory), and
    /// commits it only when its size and sha256 match the manifest. A partial file is resumed with <c>Range</c>, and
    /// the resume counts only when the registry answers 206 with a Content-Range starting where the file ends;
    /// anything else starts the blob again from byte 0.
    /// </summary>
    internal static class BlobDownload
    {
        private const int BufferSize = 1 << 20;

        /// <summary>How long a blob may send nothing before the connection is treated as lost.</summary>
        private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

        /// <param name="onProgress">Bytes of this blob on disk so far (back to 0 when a resume is refused), and bytes just received.</param>
        public static async Task RunAsync(RegistryClient client, RegistryReference reference, OciDescriptor blob, BlobWriter writer,
            Action<long, int> onProgress, CancellationToken cancellationToken)
        {
            string model = reference.ToString();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long offset = writer.Stream.Length;
            if (offset > blob.Size) offset = Restart(writer, hash);
            else if (offset > 0) HashExisting(writer.Stream, hash, offset, cancellationToken);
            onProgress(offset, 0);

            if (offset < blob.Size)
            {
                var response = await client.GetBlobAsync(reference, blob, offset, cancellationToken).ConfigureAwait(false);
                if (offset > 0 && !IsResume(response, offset, blob.Size))
                {
                    offset = Restart(writer, hash);
                    onProgress(0, 0);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        response.Dispose();
                        response = await client.GetBlobAsync(reference, blob, 0, cancellationToken).ConfigureAwait(false);
                    }
                }
                using (response)
                    offset = await CopyAsync(response, writer, hash, offset, blob, model, onProgress, cancellationToken).ConfigureAwait(false);
            }

            string actual = OciDigest.FromHash(hash.GetHashAndReset());
            if (offset != blob.Size || actual != blob.Digest)
            {
                writer.Discard();
                throw offset != blob.Size
                    ? new DigestMismatchException(model, $"blob {blob.Digest} ({blob.MediaType})", $"{blob.Size} bytes", $"{offset} bytes")
                    : new DigestMismatchException(model, $"blob {blob.Digest} ({blob.MediaType})", blob.Digest, actual);
            }
            writer.Commit();
        }

        private static bool IsResume(HttpResponseMessage response, long offset, long size) =>
            response.StatusCode == HttpStatusCode.PartialContent
            && response.Content.Headers.ContentRange is { From: long from } range && from == offset
            && (range.Length is null || range.Length == size);

        private static long Restart(BlobWriter writer, IncrementalHash hash)
        {
            writer.Truncate();
            hash.GetHashAndReset();
            return 0;
        }

        private static void HashExisting(FileStream stream, IncrementalHash hash, long length, CancellationToken cancellationToken)
        {
            var buffer = new byte[BufferSize];
            stream.Position = 0;
            long left = length;
            while (left > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0) break;
                hash.AppendData(buffer, 0, n);
                left -= n;
            }
            stream.Position = length;
        }

        // Reads the body into the file. A read that fails or stalls is a BlobInterruptedException (resumable); more
        // bytes than the manifest promised stop the download at once.
        private static async Task<long> CopyAsync(HttpResponseMessage response, BlobWriter writer, IncrementalHash hash, long offset,
            OciDescriptor blob, string model, Action<long, int> onProgress, CancellationToken cancellationToken)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Disposing the response also ends a read that ignores its token (older frameworks' network streams).
            using var abort = stall.Token.Register(response.Dispose);
            var buffer = new byte[BufferSize];
            try
            {
                using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                while (true)
                {
                    stall.CancelAfter(StallTimeout);
                    int n = await body.ReadAsync(buffer, 0, buffer.Length, stall.Token).ConfigureAwait(false);
                    if (n == 0) return offset;
                    if (offset + n > blob.Size)
                    {
                        writer.Discard();
                        throw new DigestMismatchException(model, $"blob {blob.Digest} ({blob.MediaType})", $"{blob.Size} bytes", "more bytes");
                    }
                    hash.AppendData(buffer, 0, n);
                    Write(writer, buffer, n);
                    offset += n;
                    onProgress(offset, n);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested
                && (e is IOException || e is HttpRequestException || e is OperationCanceledException || e is ObjectDisposedException)
                && e is not DiskFullException)
            {
                string why = e is OperationCanceledException or ObjectDisposedException
                    ? $"no data for {StallTimeout.TotalSeconds:0} s"
                    : RegistryClient.Innermost(e);
                throw new BlobInterruptedException($"the download of blob {blob.Digest} broke off after {offset} of {blob.Size} bytes ({why})", e);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                throw new OperationCanceledException(cancellationToken); // the abort registration disposed the response under the read
            }
        }

        private static void Write(BlobWriter writer, byte[] buffer, int count)
        {
            try
            {
                writer.Stream.Write(buffer, 0, count);
            }
            catch (IOException e) when (StoreFiles.IsDiskFull(e))
            {
                throw new DiskFullException(writer.IncompletePath, e);
            }
            catch (IOException e)
            {
                throw new ModelStoreException(writer.IncompletePath, $"could not be written: {e.Message}", e);
            }
        }
    }
}
