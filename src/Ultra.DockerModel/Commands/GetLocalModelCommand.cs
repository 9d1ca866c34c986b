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
            string[]? names = Name is null ? null : ModelSelection.ValidNames(Name, (name, e) => WriteError(ToErrorRecord(e, name)));
            if (names is { Length: 0 }) return; // every name was refused: no need to ask docker
            try
            {
                _models ??= Run(token => Docker.ListAsync(token));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
            if (names is null)
            {
                foreach (var model in _models!) Write(model);
                return;
            }
            foreach (string name in names)
            {
                try
                {
                    var matches = ModelSelection.Select(_models!, name);
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                        WriteError(ToErrorRecord(new ModelNotFoundException(name), name));
                    foreach (var model in matches) Write(model);
                }
                catch (DockerModelException e)
                {
                    WriteError(ToErrorRecord(e, name));
                }
            }
        }

        private void Write(LocalModel model)
        {
            if (_written.Add(model.Id)) WriteObject(model);
        }
    }
}
