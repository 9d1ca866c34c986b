using System.Management.Automation;
using Ultra.DockerModel.Caching;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Reports the disk space of each model store: models, unfinished downloads, files no model refers to, the volume's
    /// free space (Get: it only reads; Storage: like Get-StorageJob/Get-Volume, the noun for the space itself).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "LocalModelStorage")]
    [OutputType(typeof(ModelStorage))]
    public sealed class GetLocalModelStorageCommand : DockerModelCmdlet
    {
        protected override void EndProcessing()
        {
            var (settings, _) = SavedSettings.Load();
            var stores = ModelStores.Open(settings);
            long cache = ResponseCache.FromSettings(settings).GetUsage().Bytes;
            foreach (var row in Run(token => StorageReport.BuildAsync(Docker, stores, cache, token)))
            {
                // The table has no room for the note: without it a row of blanks would not say why.
                if (row.Note != null) WriteWarning($"{row.Store}: {row.Note}");
                WriteObject(row);
            }
        }
    }
}
