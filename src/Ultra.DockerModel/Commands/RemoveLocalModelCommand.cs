using System.Collections.Generic;
using System.Management.Automation;

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

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
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
                foreach (var model in InputObject) Remove(model);
                return;
            }
            string[] names = ModelSelection.ValidNames(Name, (name, e) => WriteError(ToErrorRecord(e, name)));
            if (names.Length == 0) return; // every name was refused: no need to ask docker
            try
            {
                _installed ??= Run(token => Docker.ListAsync(token));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
            foreach (string name in names)
            {
                try
                {
                    var matches = ModelSelection.Select(_installed!, name);
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                        WriteError(ToErrorRecord(new ModelNotFoundException(name), name));
                    foreach (var model in matches) Remove(model);
                }
                catch (DockerModelException e)
                {
                    WriteError(ToErrorRecord(e, name));
                }
            }
        }

        private void Remove(LocalModel model)
        {
            string target = model.Size is null ? $"model '{model.Name}'" : $"model '{model.Name}' ({ByteSize.Format(model.Size)})";
            // -Force skips the confirmation prompt, but -WhatIf still only reports.
            bool whatIf = MyInvocation.BoundParameters.ContainsKey("WhatIf");
            if ((whatIf || !Force) && !ShouldProcess(target, "Remove")) return;
            try
            {
                foreach (string line in Run(token => Docker.RemoveAsync(model.Name, Force, token))) WriteVerbose(line);
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
