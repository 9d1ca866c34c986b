using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Ultra.DockerModel.Completion
{
    /// <summary>Completes provider names from the saved fallback chain.</summary>
    public sealed class ProviderNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            CompletionText.FromSettings(s => s.Providers, p => p.Name, p => $"{p.Kind}, {p.Model}", wordToComplete);
    }
}
