using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Lifecycle
{
    /// <summary>
    /// Pulls a tag whose manifest changed, the way Install-LocalModel would: through Docker Model Runner for a model it
    /// lists, from the registry into the module's store otherwise. The old model stays whole and usable until the new
    /// one is complete and verified (the runner, and the module's store, move the tag only then); afterwards the old
    /// model is deleted when no tag names it any more. Docker's own store on disk is never written.
    /// </summary>
    public sealed class ModelUpdater
    {
        private readonly DockerModelClient _docker;
        private readonly ModuleStore _module;
        private readonly Func<RegistryClient>? _newClient;

        public ModelUpdater(DockerModelClient docker, ModuleStore module, Func<RegistryClient>? newClient = null)
        {
            _docker = docker;
            _module = module;
            _newClient = newClient;
        }

        /// <summary>Updates the tag of <paramref name="status"/>, which must have an update available.</summary>
        public async Task<ModelUpdate> UpdateAsync(TagStatus status, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
        {
            var model = status.Model;
            if (model.Store.HasFlag(ModelStoreKind.DockerModelRunner))
            {
                await _docker.PullAsync(status.Tag, progress, cancellationToken).ConfigureAwait(false);
                string newId = (await _docker.InspectAsync(status.Tag, cancellationToken).ConfigureAwait(false)).Id;
                var old = (await _docker.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(m => m.Id == model.Id);
                bool removed = false;
                if (old != null && old.Tags.Count == 0)
                {
                    await _docker.RemoveAsync(ModelRemoval.WholeModel(old), cancellationToken).ConfigureAwait(false);
                    removed = true;
                }
                return Result(status, ModelStoreKind.DockerModelRunner, newId, removed);
            }
            if (model.Store.HasFlag(ModelStoreKind.ModuleStore))
            {
                var pulled = await new ModelPuller(_module, _newClient).PullAsync(status.Tag, progress, cancellationToken).ConfigureAwait(false);
                bool untagged = _module.ReadIndex().FindById(model.Id) is { Tags.Count: 0 };
                bool removed = untagged && _module.Remove(model.Id, null, cancellationToken);
                return Result(status, ModelStoreKind.ModuleStore, pulled.Model.Id, removed);
            }
            throw new DockerModelException(ErrorKind.RunnerNotRunning,
                $"Model '{status.Tag}' is only in Docker's store on disk, which this module never writes. Start Docker Model Runner " +
                "and run Update-LocalModel again (it then pulls through the runner), or install the model into the module's store with Install-LocalModel -Source Registry.");
        }

        private static ModelUpdate Result(TagStatus status, ModelStoreKind store, string newId, bool oldRemoved) => new()
        {
            Name = status.Tag,
            Store = store,
            OldId = status.Model.Id,
            NewId = newId,
            Updated = true,
            OldRemoved = oldRemoved,
            Reason = oldRemoved
                ? $"Updated from {ModelReference.ShortId(status.Model.Id)} to {ModelReference.ShortId(newId)}; the old model's files were deleted."
                : $"Updated from {ModelReference.ShortId(status.Model.Id)} to {ModelReference.ShortId(newId)}; the old model is kept (another tag still names it).",
        };
    }
}
