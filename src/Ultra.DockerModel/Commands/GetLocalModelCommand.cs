using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Lifecycle;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Lists the local models: Docker Model Runner's, Docker's store on disk and the module's store, merged by model
    /// id, each saying where it lives (Store) and where its GGUF file is (GgufPath); or (-Loaded) the models the
    /// runner and the embedded engine hold in memory now.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "LocalModel", DefaultParameterSetName = InstalledSet)]
    [OutputType(typeof(LocalModel), ParameterSetName = new[] { InstalledSet })]
    [OutputType(typeof(LoadedModel), ParameterSetName = new[] { LoadedSet })]
    public sealed class GetLocalModelCommand : DockerModelCmdlet
    {
        private const string InstalledSet = "Installed";
        private const string LoadedSet = "Loaded";
        private IReadOnlyList<LocalModel>? _models;
        private IReadOnlyList<LoadedModel>? _loaded;
        private readonly HashSet<string> _written = new();

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Only the models in these stores (a model in several is listed when it is in any of them).</summary>
        [Parameter(ParameterSetName = InstalledSet)]
        [ValidateSet(nameof(ModelStoreKind.DockerModelRunner), nameof(ModelStoreKind.DockerStore), nameof(ModelStoreKind.ModuleStore))]
        public ModelStoreKind[]? Store { get; set; }

        /// <summary>
        /// Asks each model's registry which manifest its tags point at now (one lookup per tag, several at once, nothing
        /// downloaded) and sets UpdateAvailable and UpdateReason.
        /// </summary>
        [Parameter(ParameterSetName = InstalledSet)]
        public SwitchParameter CheckUpdate { get; set; }

        /// <summary>Lists the models held in memory now (<c>docker model ps</c>, and the embedded engine's) instead of the installed ones.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LoadedSet)]
        public SwitchParameter Loaded { get; set; }

        private ModelStoreKind Where => Store is null ? AllStores : Store.Aggregate(ModelStoreKind.None, (all, s) => all | s);

        protected override void ProcessRecord()
        {
            if (Loaded)
            {
                WriteLoaded();
                return;
            }
            if (Name != null)
            {
                ForEachNamedModel(Name, ref _models, (_, model) => Write(model.Id, model), Where);
                return;
            }
            _models ??= ListModels(Where);
            foreach (var model in _models) Write(model.Id, model);
        }

        private void WriteLoaded()
        {
            if (_loaded is null)
            {
                var memory = ModuleState.Memory();
                try
                {
                    _loaded = Run(token => memory.ListAsync(token));
                }
                catch (DockerModelException e)
                {
                    ThrowTerminatingError(ToErrorRecord(e, null));
                }
                if (memory.RunnerUnavailable is { } why) WriteWarning($"Only the embedded engine's models are listed: {why.Message}");
            }
            if (Name is null)
            {
                foreach (var model in _loaded!) Write(model.Engine + "|" + model.Name, model);
                return;
            }
            // A name that is not loaded is simply not listed: being idle is not an error.
            foreach (string name in ValidNamesOrFiles(Name))
                foreach (var model in ModelSelection.SelectLoaded(_loaded!, name)) Write(model.Engine + "|" + model.Name, model);
        }

        private readonly List<LocalModel> _toCheck = new();

        private void Write(string key, object model)
        {
            if (!_written.Add(key)) return;
            if (CheckUpdate && model is LocalModel local) _toCheck.Add(local); // checked all at once, in parallel, at the end
            else WriteObject(model);
        }

        protected override void EndProcessing()
        {
            if (_toCheck.Count == 0) return;
            var statuses = Run(token => new UpdateChecker(Docker).CheckAsync(_toCheck, token));
            foreach (var model in _toCheck)
            {
                var shown = PSObject.AsPSObject(UpdateChecker.Annotate(model, statuses));
                shown.TypeNames.Insert(0, "Ultra.DockerModel.LocalModel#UpdateCheck");
                WriteObject(shown);
            }
        }
    }
}
