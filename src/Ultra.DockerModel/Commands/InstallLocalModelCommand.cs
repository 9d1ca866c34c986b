using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Pulls models into the local store, with a progress bar.</summary>
    [Cmdlet(VerbsLifecycle.Install, "LocalModel", SupportsShouldProcess = true)]
    [OutputType(typeof(LocalModel))]
    public sealed class InstallLocalModelCommand : DockerModelCmdlet
    {
        private IReadOnlyList<LocalModel>? _installed;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[] Name { get; set; } = null!;

        /// <summary>Pull even when the model is already installed (fetches a newer version of the tag, if any).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string name in Name)
            {
                try
                {
                    Install(ModelReference.Validate(name));
                }
                catch (DockerModelException e) when (e.Kind is ErrorKind.ModelNotFound or ErrorKind.PullFailed or ErrorKind.InvalidModelName)
                {
                    WriteError(ToErrorRecord(e, name)); // one bad name does not stop the others
                }
                catch (DockerModelException e)
                {
                    ThrowTerminatingError(ToErrorRecord(e, name)); // the runner itself is unusable
                }
            }
        }

        private void Install(string name)
        {
            string normalized = ModelReference.Normalize(name);
            if (!Force)
            {
                _installed ??= Run(token => Docker.ListAsync(token));
                var existing = _installed.FirstOrDefault(m => ModelReference.Matches(m, normalized));
                if (existing != null)
                {
                    WriteVerbose($"Model '{existing.Name}' is already installed; use -Force to pull it again.");
                    if (PassThru) WriteObject(existing);
                    return;
                }
            }
            if (!ShouldProcess(normalized, "Download model")) return;

            string activity = $"Installing {normalized}";
            string result = Run((queue, token) => Docker.PullAsync(name,
                new QueueProgress<PullProgress>(queue, p => WriteProgress(PullProgressRecord.Create(1, activity, p))), token));
            WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteVerbose($"{normalized}: {result}");
            _installed = null; // the store changed

            if (PassThru) WriteObject(Run(token => Docker.InspectAsync(normalized, token)));
        }
    }
}
