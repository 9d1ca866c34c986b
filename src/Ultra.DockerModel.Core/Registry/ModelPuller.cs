using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Registry
{
    /// <summary>What a registry pull did.</summary>
    public sealed class PullResult
    {
        internal PullResult(RegistryReference reference, LocalModel model, long bytesDownloaded, bool indexChanged)
        {
            Reference = reference;
            Model = model;
            BytesDownloaded = bytesDownloaded;
            IndexChanged = indexChanged;
        }

        public RegistryReference Reference { get; }
        public LocalModel Model { get; }
        /// <summary>Bytes fetched over the network by this pull (0 when every blob was already in the store).</summary>
        public long BytesDownloaded { get; }
        /// <summary>Whether the store's index changed (a new model or tag).</summary>
        public bool IndexChanged { get; }
    }

    /// <summary>
    /// Pulls a model straight from its registry into the module's store, with no Docker: the manifest, then each blob
    /// the store lacks (resumed, verified, renamed into place), then the index. The index is written last, so an
    /// interrupted pull (Ctrl+C, a cut connection, a bad blob) never shows a model that is not complete.
    /// </summary>
    public sealed class ModelPuller
    {
        private const int MaxAttemptsPerBlob = 3;
        private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(200);
        private static readonly TimeSpan WaitPoll = TimeSpan.FromMilliseconds(100);
        private readonly ModuleStore _store;
        private readonly Func<RegistryClient> _newClient;

        /// <param name="newClient">For tests (fault injection); a client on the shared connection pool otherwise.</param>
        public ModelPuller(ModuleStore store, Func<RegistryClient>? newClient = null)
        {
            _store = store;
            _newClient = newClient ?? (() => new RegistryClient());
        }

        public async Task<PullResult> PullAsync(string name, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
        {
            var reference = RegistryReference.Parse(name);
            using var client = _newClient();
            var manifest = await client.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
            var missing = manifest.Blobs.GroupBy(b => b.Digest).Select(g => g.First()).Where(b => !_store.HasBlob(b)).ToList();
            var meter = new Meter(reference.ToString(), missing.Sum(b => b.Size), progress);
            foreach (var blob in missing)
                await FetchAsync(client, reference, blob, meter, cancellationToken).ConfigureAwait(false);
            meter.Report(force: true);

            cancellationToken.ThrowIfCancellationRequested();
            bool changed = _store.AddModel(manifest, reference.StoreTag, cancellationToken);
            var model = _store.Describe(_store.ReadIndex().FindById(manifest.Digest)!);
            return new PullResult(reference, model, meter.Transferred, changed);
        }

        // One blob, resumed up to MaxAttemptsPerBlob times after a cut connection. When another process (or runspace)
        // is downloading the same blob, waits for it and shows its progress rather than fetching it twice.
        private async Task FetchAsync(RegistryClient client, RegistryReference reference, OciDescriptor blob, Meter meter, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ;)
            {
                using (var writer = _store.TryOpenBlobWriter(blob, out bool done))
                {
                    if (done)
                    {
                        meter.Set(blob, blob.Size, 0);
                        return;
                    }
                    if (writer != null)
                    {
                        bool resumed = writer.Stream.Length > 0;
                        try
                        {
                            await BlobDownload.RunAsync(client, reference, blob, writer, (onDisk, received) => meter.Set(blob, onDisk, received), cancellationToken).ConfigureAwait(false);
                            return;
                        }
                        catch (BlobInterruptedException e)
                        {
                            if (attempt++ >= MaxAttemptsPerBlob)
                                throw new RegistryUnreachableException(reference.Registry,
                                    $"{e.Message}, {MaxAttemptsPerBlob} times. The part downloaded is kept ({writer.IncompletePath}) and the next Install-LocalModel resumes it.", e);
                        }
                        catch (DigestMismatchException) when (resumed)
                        {
                            // The old partial bytes may be the bad ones: the writer discarded them; fetch the blob once from byte 0.
                            resumed = false;
                        }
                        continue;
                    }
                }
                meter.Set(blob, _store.IncompleteLength(blob), 0);
                await Task.Delay(WaitPoll, cancellationToken).ConfigureAwait(false);
            }
        }

        // Bytes per blob, summed into PullProgress reports at most every ReportEvery (the pipeline thread draws each one).
        private sealed class Meter
        {
            private readonly string _model;
            private readonly long _total;
            private readonly IProgress<PullProgress>? _progress;
            private readonly Dictionary<string, long> _bytes = new();
            private readonly Stopwatch _sinceReport = Stopwatch.StartNew();

            public Meter(string model, long total, IProgress<PullProgress>? progress)
            {
                _model = model;
                _total = total;
                _progress = progress;
            }

            /// <summary>Bytes this pull received itself (a resumed blob's earlier part is not counted).</summary>
            public long Transferred { get; private set; }

            /// <param name="onDisk">The blob's bytes on disk (ours, or another process's while it downloads the blob).</param>
            /// <param name="received">Bytes this pull just received.</param>
            public void Set(OciDescriptor blob, long onDisk, int received)
            {
                Transferred += received;
                _bytes[blob.Digest] = onDisk;
                Report(force: false);
            }

            public void Report(bool force)
            {
                if (_progress is null || (!force && _sinceReport.Elapsed < ReportEvery)) return;
                _sinceReport.Restart();
                long done = _bytes.Values.Sum();
                _progress.Report(new PullProgress
                {
                    Model = _model,
                    DownloadedBytes = Math.Min(done, _total),
                    TotalBytes = _total,
                    Message = $"Downloaded {ByteSize.Format(done)} of {ByteSize.Format(_total)}",
                });
            }
        }
    }
}
