using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Embedded.Native;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Embedded.Models
{
    /// <summary>
    /// The loaded models of the process, by file: a model stays loaded for the next call and is released after its idle
    /// time, on Unload, or when its file changes. A model in use is never released under a call: it goes when its last
    /// call ends. Thread-safe; one per engine.
    /// </summary>
    internal sealed class ModelCache : IDisposable
    {
        private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        private readonly object _gate = new();
        private readonly Dictionary<string, ResidentModel> _models = new(PathComparer);
        private readonly Timer _idleTimer;

        public ModelCache() => _idleTimer = new Timer(_ => ReleaseIdle(), null, Timeout.Infinite, Timeout.Infinite);

        /// <summary>The model at <paramref name="path"/>, loaded if needed, with a context of its own for one call.</summary>
        public async Task<ContextLease> AcquireAsync(string path, EngineOptions options, CallLog log, CancellationToken cancellationToken, bool embeddings = false)
        {
            var file = new FileInfo(path);
            if (!file.Exists)
                throw new DockerModelException(ErrorKind.ModelNotFound, $"The model file '{path}' does not exist.");
            ResidentModel model;
            ResidentModel? replaced = null;
            lock (_gate)
            {
                if (_models.TryGetValue(file.FullName, out var known) && !known.Matches(file))
                {
                    // The file was rewritten: the old weights go when their calls end, the new file is loaded fresh.
                    _models.Remove(file.FullName);
                    replaced = Doom(known);
                    known = null;
                }
                if (known is null) _models[file.FullName] = known = new ResidentModel(file.FullName, file, options.DisplayName ?? file.Name);
                model = known;
                model.Active++;
                model.IdleTimeout = options.IdleTimeout;
            }
            replaced?.Dispose();
            try
            {
                await model.EnsureLoadedAsync(log, cancellationToken).ConfigureAwait(false);
                return embeddings
                    ? new ContextLease(this, model, model.CreateEmbeddingContext(options, log), cancellationToken, spare: false)
                    : new ContextLease(this, model, model.TakeContext(options, log), cancellationToken);
            }
            catch
            {
                Release(model, forget: !model.IsLoaded);
                throw;
            }
        }

        /// <summary>A call is over: its context goes back, and the model's idle clock starts when nobody uses it.</summary>
        public void Release(ResidentModel model, bool forget = false)
        {
            ResidentModel? dispose = null;
            lock (_gate)
            {
                model.Active--;
                model.LastUsed = DateTime.UtcNow;
                if (forget && _models.TryGetValue(model.Path, out var same) && same == model && model.Active == 0) _models.Remove(model.Path);
                if (model.Active == 0 && (model.Doomed || forget)) dispose = model;
                ScheduleIdle();
            }
            dispose?.Dispose();
        }

        public IReadOnlyList<LoadedModelInfo> List()
        {
            lock (_gate)
            {
                return _models.Values.Where(m => m.IsLoaded).Select(m => new LoadedModelInfo
                {
                    Name = m.Name,
                    Path = m.Path,
                    WeightsBytes = m.WeightsBytes,
                    ContextBytes = m.ContextBytes(),
                    ContextSize = m.LastContextSize,
                    ActiveCalls = m.Active,
                    LoadedAt = m.LoadedAt,
                    LastUsed = m.LastUsed,
                    ReleaseAt = m.Active == 0 ? m.LastUsed + m.IdleTimeout : null,
                }).ToList();
            }
        }

        /// <summary>Releases one model (by path) or all; those in use go when their calls end.</summary>
        public int Unload(string? path)
        {
            var now = new List<ResidentModel>();
            int count = 0;
            lock (_gate)
            {
                string? key = path is null ? null : Path.GetFullPath(path);
                foreach (var model in _models.Values.Where(m => key is null || PathComparer.Equals(m.Path, key)).ToList())
                {
                    _models.Remove(model.Path);
                    if (Doom(model) is { } idle) now.Add(idle);
                    count++;
                }
            }
            foreach (var model in now) model.Dispose();
            return count;
        }

        /// <summary>Marks a removed model for release; returns it when nobody uses it, to dispose now.</summary>
        private static ResidentModel? Doom(ResidentModel model)
        {
            model.Doomed = true;
            return model.Active == 0 ? model : null;
        }

        private void ReleaseIdle()
        {
            var expired = new List<ResidentModel>();
            lock (_gate)
            {
                var now = DateTime.UtcNow;
                foreach (var model in _models.Values.Where(m => m.Active == 0 && now - m.LastUsed >= m.IdleTimeout).ToList())
                {
                    _models.Remove(model.Path);
                    model.Doomed = true;
                    expired.Add(model);
                }
                ScheduleIdle();
            }
            foreach (var model in expired) model.Dispose();
        }

        // Under _gate: wake up when the next unused model's idle time is over.
        private void ScheduleIdle()
        {
            var due = _models.Values.Where(m => m.Active == 0).Select(m => m.LastUsed + m.IdleTimeout).DefaultIfEmpty(DateTime.MaxValue).Min();
            if (due == DateTime.MaxValue)
            {
                _idleTimer.Change(Timeout.Infinite, Timeout.Infinite);
                return;
            }
            var wait = due - DateTime.UtcNow;
            _idleTimer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait + TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            _idleTimer.Dispose();
            Unload(null);
        }
    }
}
