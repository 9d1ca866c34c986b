using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Lists the local models: Docker Model Runner's, Docker's store on disk and the module's store, merged by model
    /// id, each saying where it lives (Store) and where its GGUF file is (GgufPath); or (-Loaded) the models the
    /// runner holds in memory now.
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

        /// <summary>Lists the models held in memory now (<c>docker model ps</c>) instead of the installed ones.</summary>
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
            try
            {
                _loaded ??= Run(token => Docker.ListLoadedAsync(token));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, null));
            }
            if (Name is null)
            {
                foreach (var model in _loaded!) Write(model.Engine + "|" + model.Name, model);
                return;
            }
            // A name that is not loaded is simply not listed: being idle is not an error.
            foreach (string name in ModelSelection.ValidNames(Name, (n, e) => WriteError(ToErrorRecord(e, n))))
                foreach (var model in ModelSelection.SelectLoaded(_loaded!, name)) Write(model.Engine + "|" + model.Name, model);
        }

        private void Write(string key, object model)
        {
            if (_written.Add(key)) WriteObject(model);
        }
    }
}
