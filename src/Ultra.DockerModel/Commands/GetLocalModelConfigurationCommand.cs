using System.Collections.Generic;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Gets the runtime configurations Docker Model Runner holds for models (<c>docker model configure show</c>).</summary>
    [Cmdlet(VerbsCommon.Get, "LocalModelConfiguration")]
    [OutputType(typeof(ModelConfiguration))]
    public sealed class GetLocalModelConfigurationCommand : DockerModelCmdlet
    {
        private IReadOnlyList<LocalModel>? _installed;
        private readonly HashSet<string> _written = new();

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            if (Name is null)
            {
                Write(null);
                return;
            }
            ForEachNamedModel(Name, ref _installed, (_, model) => Write(model.Name));
        }

        private void Write(string? model)
        {
            IReadOnlyList<ModelConfiguration> list;
            try
            {
                list = Run(token => Docker.GetConfigurationsAsync(model, token));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, model));
                return;
            }
            foreach (var c in list)
                if (_written.Add(c.Id + "|" + c.Mode)) WriteObject(c);
        }
    }
}
