using System.Collections.Generic;
using System.Management.Automation;
using System.Threading.Tasks;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Deletes models from the local store.</summary>
    [Cmdlet(VerbsCommon.Remove, "LocalModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveLocalModelCommand : DockerModelCmdlet
    {
        private const string NameSet = "Name";
        private const string InputObjectSet = "InputObject";
        private IReadOnlyList<LocalModel>? _installed;

        // Not by property name: a piped LocalModel binds to -InputObject, and the store is not listed again.
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[] Name { get; set; } = null!;

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public LocalModel[] InputObject { get; set; } = null!;

        /// <summary>Removes without asking for confirmation, including a model that has several tags.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == InputObjectSet)
            {
                foreach (var model in InputObject) Remove(model, model.Name, oneTag: false);
                return;
            }
            ForEachNamedModel(Name, ref _installed, (name, model) =>
            {
                // A name with an explicit tag removes that tag only; otherwise the model goes (by its first tag).
                bool oneTag = !WildcardPattern.ContainsWildcardCharacters(name) && !ModelReference.IsId(name)
                    && name.LastIndexOf(':') > name.LastIndexOf('/');
                Remove(model, oneTag ? ModelReference.Normalize(name) : model.Name, oneTag);
            });
        }

        private void Remove(LocalModel model, string reference, bool oneTag)
        {
            bool inModule = model.Store.HasFlag(ModelStoreKind.ModuleStore);
            bool inRunner = model.Store.HasFlag(ModelStoreKind.DockerModelRunner);
            if (!inModule && !inRunner)
            {
                WriteError(ToErrorRecord(new DockerModelException(ErrorKind.RunnerNotRunning,
                    $"Model '{reference}' is in Docker's model store on disk, which this module never changes behind Docker's back: " +
                    $"start Docker Model Runner and run Remove-LocalModel again, or use 'docker model rm {reference}'."), model));
                return;
            }
            string where = inModule && inRunner ? "the module's store and Docker Model Runner" : inModule ? "the module's store" : "Docker Model Runner";
            string target = (model.Size is null ? $"model '{reference}'" : $"model '{reference}' ({ByteSize.Format(model.Size)})") + " from " + where;
            // -Force skips the confirmation prompt, but -WhatIf and an explicit -Confirm are still honoured.
            bool asked = MyInvocation.BoundParameters.ContainsKey("WhatIf") || MyInvocation.BoundParameters.ContainsKey("Confirm");
            if ((asked || !Force) && !ShouldProcess(target, "Remove")) return;
            try
            {
                if (inModule)
                {
                    var store = ModelStores.Open().Module;
                    if (Run(token => Task.FromResult(store.Remove(model.Id, oneTag ? reference : null, token))))
                        WriteVerbose($"Removed {reference} from {store.Root}.");
                }
                if (inRunner)
                    foreach (string line in Run(token => Docker.RemoveAsync(reference, Force, token))) WriteVerbose(line);
            }
            catch (DockerModelException e) when (e.Kind is not (ErrorKind.RunnerNotRunning or ErrorKind.RunnerUnreachable or ErrorKind.DockerNotInstalled or ErrorKind.PluginMissing))
            {
                WriteError(ToErrorRecord(e, model));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, model));
            }
        }
    }
}
