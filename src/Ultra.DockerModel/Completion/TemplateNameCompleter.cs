using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Templates;

namespace Ultra.DockerModel.Completion
{
    /// <summary>Completes prompt template names from the settings (a local file read: no time-out needed).</summary>
    public sealed class TemplateNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<PromptTemplate> templates;
            try { templates = new SettingsStore().Load().Templates; }
            catch (DockerModelException) { templates = Enumerable.Empty<PromptTemplate>(); }
            var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return templates.Where(t => pattern.IsMatch(t.Name))
                .Select(t => new CompletionResult(CompletionText.Quote(t.Name), t.Name, CompletionResultType.ParameterValue, t.Description ?? t.Prompt));
        }
    }
}
