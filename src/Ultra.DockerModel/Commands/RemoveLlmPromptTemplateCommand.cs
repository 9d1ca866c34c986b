using System;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Deletes prompt templates by name (wildcards allowed).</summary>
    [Cmdlet(VerbsCommon.Remove, "LlmPromptTemplate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveLlmPromptTemplateCommand : DockerModelCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var store = new SettingsStore();
            try
            {
                foreach (string name in Name)
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    var matches = store.Load().Templates.Where(t => pattern.IsMatch(t.Name)).Select(t => t.Name).ToList();
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                        WriteError(ToErrorRecord(TemplateLookup.NotFound(name), name));
                    foreach (string match in matches.Where(m => ShouldProcess(m, "Remove prompt template")))
                        store.Update(settings => settings.Templates.RemoveAll(t => string.Equals(t.Name, match, StringComparison.OrdinalIgnoreCase)));
                }
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, store.FilePath));
            }
        }
    }
}
