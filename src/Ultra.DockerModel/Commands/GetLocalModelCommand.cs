using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Lists the local models: Docker Model Runner's, Docker's store on disk and the module's store, merged by model
    /// id; each says where it lives (Store) and where its GGUF file is (GgufPath).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "LocalModel")]
    [OutputType(typeof(LocalModel))]
    public sealed class GetLocalModelCommand : DockerModelCmdlet
    {
        private IReadOnlyList<LocalModel>? _models;
        private readonly HashSet<string> _written = new();

        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Only the models in these stores (a model in several is listed when it is in any of them).</summary>
        [Parameter]
        [ValidateSet(nameof(ModelStoreKind.DockerModelRunner), nameof(ModelStoreKind.DockerStore), nameof(ModelStoreKind.ModuleStore))]
        public ModelStoreKind[]? Store { get; set; }

        private ModelStoreKind Where => Store is null ? AllStores : Store.Aggregate(ModelStoreKind.None, (all, s) => all | s);

        protected override void ProcessRecord()
        {
            if (Name != null)
            {
                ForEachNamedModel(Name, ref _models, (_, model) => Write(model), Where);
                return;
            }
            _models ??= ListModels(Where);
            foreach (var model in _models) Write(model);
        }

        private void Write(LocalModel model)
        {
            if (_written.Add(model.Id)) WriteObject(model);
        }
    }
}
