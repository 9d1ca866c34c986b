using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Registry;

namespace Ultra.DockerModel.Lifecycle
{
    /// <summary>What the registry holds for one local tag now, against what is installed.</summary>
    public sealed class TagStatus
    {
        public LocalModel Model { get; init; } = null!;
        /// <summary>The tag, normalized (<c>ai/smollm2:latest</c>).</summary>
        public string Tag { get; init; } = "";
        public string? RemoteId { get; init; }
        /// <summary>True when the tag points at another manifest now; null when that could not be found out.</summary>
        public bool? UpdateAvailable { get; init; }
        public string Reason { get; init; } = "";
        /// <summary>Why the check could not tell (the registry or runner could not be asked).</summary>
        public DockerModelException? Error { get; init; }
    }

    /// <summary>
    /// Asks, for each tag of each local model, which manifest the registry holds for it now: one manifest lookup per
    /// tag, several at once, never a download. A model Docker Model Runner lists is checked through the runner
    /// (<c>docker model inspect --remote</c>, which is how it would pull it: its credentials and proxy apply); a model
    /// only on disk is checked with a HEAD of its manifest at its registry.
    /// </summary>
    public sealed class UpdateChecker
    {
        private const int AtOnce = 4;
        private readonly DockerModelClient _docker;
        private readonly Func<RegistryClient> _newClient;

        public UpdateChecker(DockerModelClient docker, Func<RegistryClient>? newClient = null)
        {
            _docker = docker;
            _newClient = newClient ?? (() => new RegistryClient());
        }

        /// <summary>Every tag of every model (a model without a tag gets a status saying so), in the models' order.</summary>
        public async Task<IReadOnlyList<TagStatus>> CheckAsync(IEnumerable<LocalModel> models, CancellationToken cancellationToken)
        {
            using var gate = new SemaphoreSlim(AtOnce);
            var checks = models.SelectMany(m => m.Tags.Count == 0
                ? new[] { Task.FromResult(new TagStatus { Model = m, Tag = m.Name, Reason = "It has no tag, so there is nothing to check in a registry." }) }
                : m.Tags.Select(async tag =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try { return await CheckAsync(m, ModelReference.Normalize(tag), cancellationToken).ConfigureAwait(false); }
                    finally { gate.Release(); }
                })).ToList();
            return await Task.WhenAll(checks).ConfigureAwait(false);
        }

        private async Task<TagStatus> CheckAsync(LocalModel model, string tag, CancellationToken cancellationToken)
        {
            string remote;
            try
            {
                remote = model.Store.HasFlag(ModelStoreKind.DockerModelRunner)
                    ? await _docker.GetRemoteIdAsync(tag, cancellationToken).ConfigureAwait(false)
                    : await RegistryDigestAsync(tag, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerModelException e)
            {
                return new TagStatus { Model = model, Tag = tag, Reason = $"Unknown: {e.Message}", Error = e };
            }
            bool changed = !string.Equals(remote, model.Id, StringComparison.OrdinalIgnoreCase);
            return new TagStatus
            {
                Model = model,
                Tag = tag,
                RemoteId = remote,
                UpdateAvailable = changed,
                Reason = changed
                    ? $"{tag} is {ModelReference.ShortId(remote)} in the registry now; {ModelReference.ShortId(model.Id)} is installed."
                    : "Up to date.",
            };
        }

        private async Task<string> RegistryDigestAsync(string tag, CancellationToken cancellationToken)
        {
            using var client = _newClient();
            return await client.GetManifestDigestAsync(RegistryReference.Parse(tag), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The model with its tags' statuses summed up: an update when any tag has one, unknown when any could not be checked.</summary>
        public static LocalModel Annotate(LocalModel model, IEnumerable<TagStatus> statuses)
        {
            var mine = statuses.Where(s => ReferenceEquals(s.Model, model)).ToList();
            var copy = model.Copy();
            copy.UpdateAvailable = mine.Any(s => s.UpdateAvailable == true) ? true
                : mine.Count > 0 && mine.All(s => s.UpdateAvailable == false) ? false : null;
            var changed = mine.Where(s => s.UpdateAvailable == true).ToList();
            copy.UpdateReason = changed.Count > 0 ? string.Join(" ", changed.Select(s => s.Reason))
                : string.Join(" ", mine.Where(s => s.UpdateAvailable is null).Select(s => s.Reason).DefaultIfEmpty("Up to date."));
            return copy;
        }
    }
}
