using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Stores;

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
        /// Every local model in <paramref name="where"/>: Docker Model Runner's and the stores on disk, merged by id.
        /// A store that cannot be read is an error for that store; a runner that is not there is only mentioned
        /// (verbose), unless nothing at all is found, which ends the command with the runner's error.
        /// </summary>
        internal IReadOnlyList<LocalModel> ListModels(ModelStoreKind where = AllStores)
        {
            ModelListing? listing = null;
            try
            {
                listing = Run(token => ModuleState.Catalog().ListAsync(where, token));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
            foreach (var e in listing!.StoreErrors) WriteError(ToErrorRecord(e, null));
            if (listing.RunnerError is DockerModelException runner)
            {
                if (listing.Models.Count == 0 && listing.StoreErrors.Count == 0)
                    ThrowTerminatingError(ToErrorRecord(RunnerAbsence.NothingListed(runner), null));
                WriteVerbose("Docker Model Runner's models are not listed: " + runner.Message);
            }
            return listing.Models;
        }

        internal const ModelStoreKind AllStores = ModelStoreKind.DockerModelRunner | ModelStoreKind.DockerStore | ModelStoreKind.ModuleStore;

        /// <summary>
        /// The names of models in memory or to measure: Docker names and wildcards as <see cref="ModelSelection.ValidNames"/>
        /// takes them, and .gguf paths made absolute from PowerShell's location (the process's own folder differs).
        /// </summary>
        internal string[] ValidNamesOrFiles(IEnumerable<string> names) =>
            ModelSelection.ValidNames(names, (name, e) => WriteError(ToErrorRecord(e, name)), files: true).Select(FileFromLocation).ToArray();

        /// <summary>A .gguf path made absolute from PowerShell's location (the process's own folder differs); anything else as given.</summary>
        internal string FileFromLocation(string name) =>
            EmbeddedModelFile.IsPath(name) && !WildcardPattern.ContainsWildcardCharacters(name)
                ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(name) : name;

        /// <summary>
        /// Runs <paramref name="onMatch"/> for each installed model the names select (wildcards, short names, tags, ids).
        /// An invalid name or a plain name that selects nothing is an error for that name only; when no store can be
        /// listed the command ends. <paramref name="installed"/> caches the listing across pipeline input.
        /// </summary>
        internal void ForEachNamedModel(IEnumerable<string> names, ref IReadOnlyList<LocalModel>? installed, Action<string, LocalModel> onMatch,
            ModelStoreKind where = AllStores)
        {
            string[] valid = ModelSelection.ValidNames(names, (name, e) => WriteError(ToErrorRecord(e, name)));
            if (valid.Length == 0) return; // every name was refused: no need to ask docker
            installed ??= ListModels(where);
            foreach (string name in valid)
            {
                var matches = ModelSelection.Select(installed!, name);
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteError(ToErrorRecord(new ModelNotFoundException(name), name));
                foreach (var model in matches) onMatch(name, model);
            }
        }

        /// <summary>
        /// Changes the saved settings once ShouldProcess agrees; null when it does not. A file whose content is not valid
        /// settings is replaced rather than refused (setting or clearing the chain is how a user repairs it), after it is
        /// moved aside under a name that the question and a warning both give, so nothing is lost.
        /// </summary>
        internal ModuleSettings? SaveSettings(SettingsStore store, string what, Action<ModuleSettings> change)
        {
            var corrupt = store.Corruption();
            if (corrupt is null) return ShouldProcess(store.FilePath, what) ? store.Update(change) : null;
            string copy = store.CorruptCopyPath(DateTime.UtcNow);
            if (!ShouldProcess(store.FilePath, $"{what}, after moving the corrupt file aside to {copy}")) return null;
            var (saved, moved) = store.Replace(change, copy);
            if (moved) WriteWarning($"The settings file was not valid ({corrupt.InnerException?.Message}); it was moved aside to {copy} and replaced.");
            return saved;
        }

        /// <summary>An ErrorRecord whose id and category come from the Core exception's kind.</summary>
        internal static ErrorRecord ToErrorRecord(Exception exception, object? target) => exception is DockerModelException e
            ? new ErrorRecord(e, e.ErrorId, CategoryOf(e.Kind), target ?? e.Model)
            : new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target);

        private static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
        {
            ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing => ErrorCategory.NotInstalled,
            ErrorKind.RunnerNotRunning or ErrorKind.EndpointRequired or ErrorKind.AllProvidersFailed => ErrorCategory.ResourceUnavailable,
            ErrorKind.RunnerUnreachable or ErrorKind.PullFailed or ErrorKind.RegistryUnreachable => ErrorCategory.ConnectionError,
            ErrorKind.ModelNotFound or ErrorKind.TemplateNotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.OutOfMemory or ErrorKind.ContextTooLong => ErrorCategory.LimitsExceeded,
            ErrorKind.InvalidModelName or ErrorKind.InvalidInvocation => ErrorCategory.InvalidArgument,
            ErrorKind.Timeout => ErrorCategory.OperationTimeout,
            ErrorKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
            ErrorKind.RateLimited => ErrorCategory.QuotaExceeded,
            ErrorKind.ServerError or ErrorKind.SchemaMismatch => ErrorCategory.InvalidResult,
            ErrorKind.StreamInterrupted => ErrorCategory.ReadError,
            ErrorKind.SettingsInvalid or ErrorKind.ModelLoadFailed or ErrorKind.StoreInvalid or ErrorKind.DigestMismatch or ErrorKind.NotAModel => ErrorCategory.InvalidData,
            ErrorKind.DiskFull => ErrorCategory.WriteError,
            ErrorKind.EngineUnavailable => ErrorCategory.NotInstalled,
            ErrorKind.ModelInUse => ErrorCategory.ResourceBusy,
            _ => ErrorCategory.NotSpecified,
        };
    }
}
