using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Carries work from background tasks to the pipeline thread: only that thread may call WriteObject,
    /// WriteProgress or WriteVerbose, so background code posts actions here and the cmdlet runs them.
    /// </summary>
    internal sealed class PipelineQueue
    {
        private readonly BlockingCollection<Action> _actions = new();

        /// <summary>Queues an action for the pipeline thread; ignored once the work is over.</summary>
        public void Post(Action action)
        {
            try { _actions.Add(action); }
            catch (InvalidOperationException) { /* completed: the cmdlet has moved on */ }
        }

        /// <summary>Runs posted actions on the calling (pipeline) thread until <paramref name="work"/> ends, then returns its result.</summary>
        public T Drain<T>(Task<T> work)
        {
            work.ContinueWith(_ => _actions.CompleteAdding(), TaskScheduler.Default);
            foreach (var action in _actions.GetConsumingEnumerable()) action();
            return work.GetAwaiter().GetResult();
        }
    }
}

namespace Ultra.DockerModel.Commands
{
    /// <summary>An IProgress whose reports run on the pipeline thread (System.Progress would use a SynchronizationContext).</summary>
    internal sealed class QueueProgress<T> : IProgress<T>
    {
        private readonly PipelineQueue _queue;
        private readonly Action<T> _onReport;

        public QueueProgress(PipelineQueue queue, Action<T> onReport)
        {
            _queue = queue;
            _onReport = onReport;
        }

        public void Report(T value) => _queue.Post(() => _onReport(value));
    }
}
