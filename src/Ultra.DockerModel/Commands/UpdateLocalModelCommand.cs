using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Pulls the tags whose manifest changed in their registry, through Docker Model Runner or into the module's store as
    /// Install-LocalModel would; the old model stays usable until the new one is complete, then goes when no tag names it.
    /// </summary>
    [Cmdlet(VerbsData.Update, "LocalModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ModelUpdate))]
    public sealed class UpdateLocalModelCommand : DockerModelCmdlet
    {
        private IReadOnlyList<LocalModel>? _installed;
        private readonly Dictionary<string, LocalModel> _models = new();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[] Name { get; set; } = null!;

        protected override void ProcessRecord() =>
            ForEachNamedModel(Name, ref _installed, (_, model) => _models[model.Id] = model);

        protected override void EndProcessing()
        {
            if (_models.Count == 0) return;
            var (settings, _) = SavedSettings.Load();
            var statuses = Run(token => new UpdateChecker(Docker).CheckAsync(_models.Values, token));
            var updater = new ModelUpdater(Docker, ModelStores.Open(settings).Module);
            foreach (var status in statuses)
            {
                if (status.UpdateAvailable is null)
                {
                    WriteError(ToErrorRecord(status.Error ?? new DockerModelException(ErrorKind.Unknown, status.Reason), status.Tag));
                    continue;
                }
                if (status.UpdateAvailable == false)
                {
                    WriteVerbose($"{status.Tag}: up to date ({ModelReference.ShortId(status.Model.Id)}).");
                    continue;
                }
                string how = status.Model.Store.HasFlag(ModelStoreKind.DockerModelRunner) ? "pull through Docker Model Runner"
                    : status.Model.Store.HasFlag(ModelStoreKind.ModuleStore) ? "pull into the module's store" : "Docker's store on disk: cannot be updated here";
                if (!ShouldProcess($"model '{status.Tag}' ({ModelReference.ShortId(status.Model.Id)} -> {ModelReference.ShortId(status.RemoteId!)}, {how})", "Update")) continue;
                string activity = $"Updating {status.Tag}";
                try
                {
                    var result = Run((queue, token) => updater.UpdateAsync(status,
                        new QueueProgress<PullProgress>(queue, p => WriteProgress(PullProgressRecord.Create(1, activity, p))), token));
                    WriteObject(result);
                }
                catch (DockerModelException e)
                {
                    WriteError(ToErrorRecord(e, status.Tag));
                }
                finally
                {
                    WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
                }
            }
        }
    }
}
