using System.Linq;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>$true when Docker Model Runner is usable (and, with -Model, has that model); $false otherwise.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "LocalModelRunner")]
    [OutputType(typeof(bool))]
    public sealed class TestLocalModelRunnerCommand : DockerModelCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string? Model { get; set; }

        protected override void ProcessRecord()
        {
            if (Model != null && !ModelReference.IsValid(Model))
                ThrowTerminatingError(ToErrorRecord(new InvalidModelNameException(Model), Model));

            var status = Run(token => Docker.GetStatusAsync(token));
            if (!status.IsRunning)
            {
                WriteVerbose(status.Message);
                WriteObject(false);
                return;
            }
            if (Model != null)
            {
                try
                {
                    bool installed = Run(token => Docker.ListAsync(token)).Any(m => ModelReference.Matches(m, Model));
                    if (!installed) WriteVerbose(new ModelNotFoundException(Model).Message);
                    WriteObject(installed);
                }
                catch (DockerModelException e)
                {
                    WriteVerbose(e.Message);
                    WriteObject(false);
                }
                return;
            }
            WriteObject(true);
        }
    }
}
