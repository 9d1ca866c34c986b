using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// The base of every cmdlet: turns StopProcessing (Ctrl+C, Select-Object -First) into a cancellation that kills
    /// the docker child, runs async Core calls while keeping every Write* on the pipeline thread, and turns Core
    /// exceptions into ErrorRecords with stable ids.
    /// </summary>
    public abstract class DockerModelCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();

        protected CancellationToken CancelToken => _cancel.Token;

        internal static DockerModelClient Docker => ModuleState.Docker;

        protected override void StopProcessing() => _cancel.Cancel();

        public void Dispose() => _cancel.Dispose();

        /// <summary>Runs <paramref name="work"/> in the background; actions it posts run here, on the pipeline thread.</summary>
        internal T Run<T>(Func<PipelineQueue, CancellationToken, Task<T>> work)
        {
            var queue = new PipelineQueue();
            var task = Task.Run(() => work(queue, CancelToken));
            try
            {
                return queue.Drain(task);
            }
            catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                // Left early (Select-Object -First stopped the pipeline, or a Write* threw): stop the work and its child process.
                if (!task.IsCompleted)
                {
                    _cancel.Cancel();
                    try { task.Wait(TimeSpan.FromSeconds(10)); } catch (AggregateException) { }
                }
            }
        }

        internal T Run<T>(Func<CancellationToken, Task<T>> work) => Run((_, token) => work(token));

        /// <summary>
        /// Runs <paramref name="onMatch"/> for each installed model the names select (wildcards, short names, tags, ids).
        /// An invalid name or a plain name that selects nothing is an error for that name only; a runner that cannot
        /// list its models ends the command. <paramref name="installed"/> caches the listing across pipeline input.
        /// </summary>
        internal void ForEachNamedModel(IEnumerable<string> names, ref IReadOnlyList<LocalModel>? installed, Action<string, LocalModel> onMatch)
        {
            string[] valid = ModelSelection.ValidNames(names, (name, e) => WriteError(ToErrorRecord(e, name)));
            if (valid.Length == 0) return; // every name was refused: no need to ask docker
            try
            {
                installed ??= Run(token => Docker.ListAsync(token));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
            foreach (string name in valid)
            {
                var matches = ModelSelection.Select(installed!, name);
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteError(ToErrorRecord(new ModelNotFoundException(name), name));
                foreach (var model in matches) onMatch(name, model);
            }
        }

        /// <summary>An ErrorRecord whose id and category come from the Core exception's kind.</summary>
        internal static ErrorRecord ToErrorRecord(Exception exception, object? target) => exception is DockerModelException e
            ? new ErrorRecord(e, e.ErrorId, CategoryOf(e.Kind), target ?? e.Model)
            : new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target);

        private static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
        {
            ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing => ErrorCategory.NotInstalled,
            ErrorKind.RunnerNotRunning or ErrorKind.EndpointRequired or ErrorKind.AllProvidersFailed => ErrorCategory.ResourceUnavailable,
            ErrorKind.RunnerUnreachable or ErrorKind.PullFailed => ErrorCategory.ConnectionError,
            ErrorKind.ModelNotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.OutOfMemory or ErrorKind.ContextTooLong => ErrorCategory.LimitsExceeded,
            ErrorKind.InvalidModelName or ErrorKind.InvalidInvocation => ErrorCategory.InvalidArgument,
            ErrorKind.Timeout => ErrorCategory.OperationTimeout,
            ErrorKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
            ErrorKind.RateLimited => ErrorCategory.QuotaExceeded,
            ErrorKind.ServerError => ErrorCategory.InvalidResult,
            ErrorKind.StreamInterrupted => ErrorCategory.ReadError,
            ErrorKind.SettingsInvalid or ErrorKind.ModelLoadFailed => ErrorCategory.InvalidData,
            ErrorKind.EngineUnavailable => ErrorCategory.NotInstalled,
            ErrorKind.ModelInUse => ErrorCategory.ResourceBusy,
            _ => ErrorCategory.NotSpecified,
        };
    }
}
