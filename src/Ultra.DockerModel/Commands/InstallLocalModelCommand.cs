using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Pulls models, with a progress bar: through Docker Model Runner when it is available, else (or with
    /// -Source Registry) straight from the registry into the module's own store, with no Docker at all.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Install, "LocalModel", SupportsShouldProcess = true)]
    [OutputType(typeof(LocalModel))]
    public sealed class InstallLocalModelCommand : DockerModelCmdlet
    {
        private IReadOnlyList<LocalModel>? _installed;
        private ModelSource? _source;
        private DockerModelException? _runnerMissing;
        private ModelStores? _stores;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[] Name { get; set; } = null!;

        /// <summary>Where the model comes from: Auto (the runner when it is available, else the registry), DockerModelRunner or Registry.</summary>
        [Parameter]
        public ModelSource Source { get; set; } = ModelSource.Auto;

        /// <summary>Pull even when the model is already installed (fetches a newer version of the tag, if any).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string name in Name)
            {
                try
                {
                    string valid = ModelReference.Validate(name);
                    if (ResolveSource() == ModelSource.Registry) InstallFromRegistry(valid);
                    else InstallThroughRunner(valid);
                }
                catch (DockerModelException e) when (e.Kind is ErrorKind.ModelNotFound or ErrorKind.PullFailed or ErrorKind.InvalidModelName
                    or ErrorKind.DigestMismatch or ErrorKind.NotAModel or ErrorKind.AuthenticationFailed or ErrorKind.RegistryUnreachable)
                {
                    WriteError(ToErrorRecord(e, name)); // one bad name (or registry) does not stop the others
                }
                catch (DockerModelException e)
                {
                    ThrowTerminatingError(ToErrorRecord(e, name)); // the runner or the store itself is unusable
                }
            }
        }

        // Auto asks the runner once per command: its model list, which the already-installed check needs anyway.
        private ModelSource ResolveSource()
        {
            if (_source is ModelSource known) return known;
            if (Source != ModelSource.Auto) return (_source = Source).Value;
            try
            {
                _installed = Run(token => Docker.ListAsync(token));
                _source = ModelSource.DockerModelRunner;
            }
            catch (DockerModelException e) when (LocalModelCatalog.IsRunnerUnavailable(e))
            {
                _runnerMissing = e;
                _source = ModelSource.Registry;
                WriteVerbose($"Docker Model Runner is not available, so models come straight from their registry into the module's store ({Stores.Module.Root}): {e.Message}");
            }
            return _source.Value;
        }

        private ModelStores Stores => _stores ??= ModelStores.Open();

        private void InstallThroughRunner(string name)
        {
            string normalized = ModelReference.Normalize(name);
            if (!Force)
            {
                _installed ??= Run(token => Docker.ListAsync(token));
                var existing = _installed.FirstOrDefault(m => ModelReference.Matches(m, normalized));
                if (existing != null)
                {
                    AlreadyInstalled(existing);
                    return;
                }
            }
            if (!ShouldProcess(normalized, "Download model")) return;

            string activity = $"Installing {normalized}";
            string result = Run((queue, token) => Docker.PullAsync(name,
                new QueueProgress<PullProgress>(queue, p => WriteProgress(PullProgressRecord.Create(1, activity, p))), token));
            WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteVerbose($"{normalized}: {result}");
            _installed = null; // the store changed

            if (PassThru) WriteObject(Run(token => Docker.InspectAsync(normalized, token)));
        }

        private void InstallFromRegistry(string name)
        {
            var reference = RegistryReference.Parse(name);
            var module = Stores.Module;
            if (!Force)
            {
                string wanted = ModelReference.Normalize(reference.StoreTag ?? name);
                var existing = module.List().FirstOrDefault(m => reference.Digest is string pinned
                    ? m.Id == pinned && (reference.Tag is null || ModelReference.Matches(m, wanted))
                    : ModelReference.Matches(m, wanted));
                if (existing != null)
                {
                    AlreadyInstalled(existing);
                    return;
                }
            }
            if (!ShouldProcess(reference.ToString(), $"Download model from {reference.Registry} into the module's store ({module.Root})")) return;

            string activity = $"Installing {reference}";
            var done = new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed };
            PullResult result;
            try
            {
                result = Run((queue, token) => new ModelPuller(module).PullAsync(name,
                    new QueueProgress<PullProgress>(queue, p => WriteProgress(PullProgressRecord.Create(1, activity, p))), token));
            }
            catch (DockerModelException e)
            {
                WriteProgress(done);
                if (e is RegistryUnreachableException unreachable && _runnerMissing != null)
                    throw new NoModelSourceException(reference.ToString(), _runnerMissing, unreachable);
                throw;
            }
            WriteProgress(done);
            WriteVerbose($"{reference}: {ByteSize.Format(result.BytesDownloaded)} downloaded into {module.Root} (model {result.Model.ShortId}).");
            if (PassThru) WriteObject(result.Model);
        }

        private void AlreadyInstalled(LocalModel existing)
        {
            WriteVerbose($"Model '{existing.Name}' is already installed; use -Force to pull it again.");
            if (PassThru) WriteObject(existing);
        }
    }
}
