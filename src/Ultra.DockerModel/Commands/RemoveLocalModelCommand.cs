using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
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

        /// <summary>Removes without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
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

        private void Remove(ModelRemoval removal)
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
            if ((asked || !Force) && !ShouldProcess(removal.Target + where, removal.Action)) return;
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
