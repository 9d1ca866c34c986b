using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Shows the saved fallback chain, in order.</summary>
    [Cmdlet(VerbsCommon.Get, "LlmProviderFallback")]
    [OutputType(typeof(LlmProvider))]
    public sealed class GetLlmProviderFallbackCommand : DockerModelCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProviderNameCompleter))]
        public string[]? Name { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                var providers = new SettingsStore().Load().Providers;
                var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                foreach (var p in providers.Where(p => patterns == null || patterns.Any(w => w.IsMatch(p.Name))))
                    WriteObject(p);
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
        }
    }
}
