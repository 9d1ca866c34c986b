using System.Management.Automation;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Empties the saved fallback chain (the other settings stay).</summary>
    [Cmdlet(VerbsCommon.Clear, "LlmProviderFallback", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class ClearLlmProviderFallbackCommand : DockerModelCmdlet
    {
        protected override void EndProcessing()
        {
            var store = new SettingsStore();
            try
            {
                SaveSettings(store, "Clear the LLM provider fallback chain", settings => settings.Providers.Clear());
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, store.FilePath));
            }
        }
    }
}
