using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Ultra.DockerModel.Completion
{
    /// <summary>Completes prompt template names from the settings.</summary>
    public sealed class TemplateNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionText.FromSettings(s => s.Templates, t => t.Name, t => t.Description ?? t.Prompt, wordToComplete);
    }
}
