using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Removes models from the module's store and through Docker Model Runner (never from Docker's store on disk behind
    /// Docker's back): the whole model (every tag) for a piped object, a wildcard, a repository name or an id; only the
    /// named tag for a name with an explicit tag while the model has other tags.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "LocalModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveLocalModelCommand : DockerModelCmdlet
    {
        private const string NameSet = "Name";
        private const string InputObjectSet = "InputObject";
        private const string UnusedSet = "Unused";
        private const string OrphanedSet = "Orphaned";
        private IReadOnlyList<LocalModel>? _installed;
        private bool _storeChanged;

        // Piped input binds to the default set first: a LocalModel to -InputObject (removed whole, not by its Name, a tag,
        // and not listed again); strings and other objects with a Name property (Import-Csv) fall through to here.
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[] Name { get; set; } = null!;

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public LocalModel[] InputObject { get; set; } = null!;

        /// <summary>Removes the models not run for at least this long (as the module recorded it), except the ones loaded now. A bare number is days.</summary>
        [Parameter(Mandatory = true, ParameterSetName = UnusedSet)]
        [DaysTransformation]
        public TimeSpan Unused { get; set; }

        /// <summary>Deletes the module store's files no model refers to: blobs, manifests and downloads that never finished.</summary>
        [Parameter(Mandatory = true, ParameterSetName = OrphanedSet)]
        public SwitchParameter Orphaned { get; set; }

        /// <summary>Removes without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            if (ParameterSetName == UnusedSet) RemoveUnused();
            else if (ParameterSetName == OrphanedSet) RemoveOrphaned();
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName is UnusedSet or OrphanedSet) return;
            if (ParameterSetName == InputObjectSet)
            {
                foreach (var model in InputObject) Remove(ModelRemoval.WholeModel(model));
                return;
            }
            foreach (string name in Name)
            {
                // A removal changes what the next name selects (an untag can leave a model its last tag): list again.
                if (_storeChanged) _installed = null;
                _storeChanged = false;
                ForEachNamedModel(new[] { name }, ref _installed, (typed, model) => Remove(ModelRemoval.ForName(model, typed)));
            }
        }

        // Models not run for -Unused: never one loaded now, never one only in Docker's store on disk.
        private void RemoveUnused()
        {
            var models = ListModels();
            IReadOnlyList<LoadedModel> loaded = Array.Empty<LoadedModel>();
            try { loaded = Run(token => ModuleState.Memory().ListAsync(token)); }
            catch (DockerModelException e) when (LocalModelCatalog.IsRunnerUnavailable(e)) { WriteVerbose("No model is loaded in Docker Model Runner: " + e.Message); }
            var activity = ModelUseLog.LastActivity(models.SelectMany(m => m.Tags));
            var now = DateTime.UtcNow;
            foreach (var unused in UnusedModels.Select(models, loaded, activity, Unused, now, (m, why) => WriteVerbose($"Keeping '{m.Name}': {why}.")))
                Remove(ModelRemoval.WholeModel(unused.Model), $", last used {Age(now - unused.LastActivity)} ago");
        }

        // Files of the module's store that no model refers to; Docker's store is only reported.
        private void RemoveOrphaned()
        {
            var stores = ModelStores.Open();
            var now = DateTime.UtcNow;
            var all = StoreScan.Orphans(stores.Module);
            var removable = OrphanCleaner.Removable(stores.Module, now);
            var removablePaths = new HashSet<string>(removable.Select(f => f.Path));
            foreach (var young in all.Where(f => !removablePaths.Contains(f.Path)))
                WriteVerbose($"Keeping {young.Path}: changed in the last {OrphanCleaner.MinimumAge.TotalMinutes:0} minutes, it may belong to a download in progress.");
            long freed = 0;
            bool asked = MyInvocation.BoundParameters.ContainsKey("WhatIf") || MyInvocation.BoundParameters.ContainsKey("Confirm");
            foreach (var file in removable)
            {
                string what = file.Kind == "Incomplete" ? "unfinished download" : file.Kind == "Temporary" ? "temporary file" : file.Kind.ToLowerInvariant();
                string target = $"{what} {Path.GetFileName(file.Path)} ({ByteSize.Format(file.Bytes)}, no model refers to it) in {stores.Module.Root}";
                if ((asked || !Force) && !ShouldProcess(target, "Delete orphaned file")) continue;
                if (Run(token => Task.FromResult(OrphanCleaner.Delete(stores.Module, file, token)))) freed += file.Bytes;
                else WriteWarning($"Kept {file.Path}: a download is writing it, or a model refers to it now.");
            }
            if (freed > 0) WriteVerbose($"Freed {ByteSize.Format(freed)} in {stores.Module.Root}.");
            if (stores.Docker is { Exists: true } docker)
            {
                try
                {
                    var theirs = StoreScan.Orphans(docker);
                    if (theirs.Count > 0)
                        WriteVerbose($"Docker's store {docker.Root} has {theirs.Count} file(s) no model refers to ({ByteSize.Format(theirs.Sum(f => f.Bytes))}); " +
                            "this module never deletes there ('docker model purge' or Docker Desktop can).");
                }
                catch (ModelStoreException e) { WriteVerbose(e.Message); }
            }
        }

        private static string Age(TimeSpan age) =>
            age.TotalDays >= 2 ? $"{age.TotalDays:0} days" : age.TotalHours >= 2 ? $"{age.TotalHours:0} hours" : $"{Math.Max(0, age.TotalMinutes):0} minutes";

        private void Remove(ModelRemoval removal, string? why = null)
        {
            var model = removal.Model;
            bool inModule = model.Store.HasFlag(ModelStoreKind.ModuleStore);
            bool inRunner = model.Store.HasFlag(ModelStoreKind.DockerModelRunner);
            if (!inModule && !inRunner)
            {
                WriteError(ToErrorRecord(new DockerModelException(ErrorKind.RunnerNotRunning,
                    $"Model '{model.Name}' is in Docker's model store on disk, which this module never changes behind Docker's back: " +
                    $"start Docker Model Runner and run Remove-LocalModel again, or use 'docker model rm {model.Name}'."), model));
                return;
            }
            // Through the runner is what a removal always meant; a model in the module's store says so.
            string where = !inModule ? "" : inRunner ? ", from the module's store and Docker Model Runner" : ", from the module's store";
            // -Force skips the confirmation prompt, but -WhatIf and an explicit -Confirm are still honoured.
            bool asked = MyInvocation.BoundParameters.ContainsKey("WhatIf") || MyInvocation.BoundParameters.ContainsKey("Confirm");
            if ((asked || !Force) && !ShouldProcess(removal.Target + where + why, removal.Action)) return;
            try
            {
                if (inModule)
                {
                    var store = ModelStores.Open().Module;
                    if (Run(token => Task.FromResult(store.Remove(model.Id, removal.Tag, token))))
                        WriteVerbose($"{removal.Action}: {removal.Tag ?? model.Name} in {store.Root}.");
                    _storeChanged = true;
                }
                if (inRunner)
                {
                    foreach (string line in Run(token => Docker.RemoveAsync(removal, token))) WriteVerbose(line);
                    _storeChanged = true;
                }
            }
            catch (DockerModelException e) when (e.Kind is not (ErrorKind.RunnerNotRunning or ErrorKind.RunnerUnreachable or ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing))
            {
                WriteError(ToErrorRecord(e, removal.Model));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, removal.Model));
            }
        }
    }
}
