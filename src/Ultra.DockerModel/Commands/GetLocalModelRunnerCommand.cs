using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Reports docker, the Model Runner plugin, the runner and its endpoint. Never fails for a missing piece: it reports it.</summary>
    [Cmdlet(VerbsCommon.Get, "LocalModelRunner")]
    [OutputType(typeof(ModelRunnerStatus))]
    public sealed class GetLocalModelRunnerCommand : DockerModelCmdlet
    {
        protected override void ProcessRecord() => WriteObject(Run(token => Docker.GetStatusAsync(token)));
    }
}
