using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Templates;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Shows the saved prompt templates.</summary>
    [Cmdlet(VerbsCommon.Get, "LlmPromptTemplate")]
    [OutputType(typeof(PromptTemplate))]
    public sealed class GetLlmPromptTemplateCommand : DockerModelCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public string[]? Name { get; set; }

        private System.Collections.Generic.List<PromptTemplate>? _templates;

        protected override void ProcessRecord()
        {
            try
            {
                _templates ??= new SettingsStore().Load().Templates;
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
            if (Name is null)
            {
                WriteObject(_templates, enumerateCollection: true);
                return;
            }
            foreach (string name in Name)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var found = _templates!.Where(t => pattern.IsMatch(t.Name)).ToList();
                if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteError(ToErrorRecord(TemplateLookup.NotFound(name), name));
                WriteObject(found, enumerateCollection: true);
            }
        }
    }
}
