using System.Management.Automation;
using Ultra.DockerModel.Caching;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Empties the response cache (Invoke-LocalLlm -Cache); -PassThru says what it held.</summary>
    [Cmdlet(VerbsCommon.Clear, "LlmResponseCache", SupportsShouldProcess = true)]
    [OutputType(typeof(CacheUsage))]
    public sealed class ClearLlmResponseCacheCommand : DockerModelCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                var cache = ResponseCache.FromSettings(new SettingsStore().Load());
                var usage = cache.GetUsage();
                if (!ShouldProcess(cache.Folder, $"Remove {usage.Entries} cached answer(s), {ByteSize.Format(usage.Bytes)}")) return;
                var cleared = cache.Clear();
                if (PassThru) WriteObject(cleared);
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
        }
    }
}
