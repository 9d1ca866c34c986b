using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Creates a validated provider entry for Set-LlmProviderFallback (an alternative to a hashtable).</summary>
    [Cmdlet(VerbsCommon.New, "LlmProvider")]
    [OutputType(typeof(LlmProvider))]
    public sealed class NewLlmProviderCommand : DockerModelCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1)]
        public LlmProviderKind Kind { get; set; }

        [Parameter(Mandatory = true, Position = 2)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string Model { get; set; } = "";

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Endpoint { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ApiKeyEnvironmentVariable { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        [Parameter]
        public LlmTransport Transport { get; set; } = LlmTransport.Auto;

        /// <summary>Keep the entry in the chain but do not use it.</summary>
        [Parameter]
        public SwitchParameter Disabled { get; set; }

        protected override void ProcessRecord()
        {
            var provider = new LlmProvider
            {
                Name = Name,
                Kind = Kind,
                // A relative .gguf path saved as typed would later be read from wherever the process happens to be.
                Model = Kind == LlmProviderKind.Embedded ? FileFromLocation(Model) : Model,
                Endpoint = Endpoint,
                ApiKeyEnvironmentVariable = ApiKeyEnvironmentVariable,
                TimeoutSec = TimeoutSec,
                Transport = Transport,
                Enabled = !Disabled,
            };
            try
            {
                provider.Validate();
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, Name));
            }
            WriteObject(provider);
        }
    }
}
