using System.Collections.Generic;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Lists the models in the local Docker Model Runner store.</summary>
    [Cmdlet(VerbsCommon.Get, "LocalModel")]
    [OutputType(typeof(LocalModel))]
    public sealed class GetLocalModelCommand : DockerModelCmdlet
    {
        private IReadOnlyList<LocalModel>? _models;
        private readonly HashSet<string> _written = new();

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            if (Name != null)
            {
                ForEachNamedModel(Name, ref _models, (_, model) => Write(model));
                return;
            }
            try
            {
                _models ??= Run(token => Docker.ListAsync(token));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
            foreach (var model in _models!) Write(model);
        }

        private void Write(LocalModel model)
        {
            if (_written.Add(model.Id)) WriteObject(model);
        }
    }
}
