using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Completion
{
    /// <summary>Completes provider names from the saved fallback chain (a local file read: no time-out needed).</summary>
    public sealed class ProviderNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<LlmProvider> providers;
            try { providers = new SettingsStore().Load().Providers; }
            catch (DockerModelException) { providers = Enumerable.Empty<LlmProvider>(); }
            var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return providers.Where(p => pattern.IsMatch(p.Name))
                .Select(p => new CompletionResult(CompletionText.Quote(p.Name), p.Name, CompletionResultType.ParameterValue, $"{p.Kind}, {p.Model}"));
        }
    }
}
