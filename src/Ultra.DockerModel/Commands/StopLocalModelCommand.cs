using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Lifecycle;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Unloads models from memory (<c>docker model unload</c>, whose alias is <c>stop</c>; the embedded engine releases
    /// their weights); they stay installed.
    /// Stop is PowerShell's verb for ending something that runs (Stop-Process, Stop-Service), and the runner calls
    /// loaded models "running models" (<c>docker model ps</c>).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "LocalModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(LoadedModel))]
    public sealed class StopLocalModelCommand : DockerModelCmdlet
    {
        private const string NameSet = "Name";
        private const string AllSet = "All";
        private IReadOnlyList<LoadedModel>? _loaded;
        private readonly HashSet<string> _stopped = new();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[] Name { get; set; } = null!;

        /// <summary>Unloads every model the runner holds (<c>docker model unload --all</c>) and the embedded engine's.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AllSet)]
        public SwitchParameter All { get; set; }

        /// <summary>Writes each model that was unloaded.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (_loaded is null)
            {
                try
                {
                    _loaded = Run(token => Memory.ListAsync(token));
                }
                catch (DockerModelException e)
                {
                    ThrowTerminatingError(ToErrorRecord(e, null));
                }
                if (Memory.RunnerUnavailable is { } why) WriteVerbose($"Only the embedded engine's models can be unloaded: {why.Message}");
            }
            if (All)
            {
                StopAll(_loaded!);
                return;
            }
            foreach (string name in ValidNamesOrFiles(Name))
            {
                var matches = ModelSelection.SelectLoaded(_loaded!, name);
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteError(ToErrorRecord(new ModelNotFoundException(name, null,
                        $"Model '{name}' is not loaded. Get-LocalModel -Loaded lists the models in memory."), name));
                foreach (var model in matches.Where(m => _stopped.Add(m.Engine + "|" + m.Name))) Stop(model);
            }
        }

        private void StopAll(IReadOnlyList<LoadedModel> loaded)
        {
            if (!ShouldProcess($"all loaded models ({loaded.Count}: {string.Join(", ", loaded.Select(m => m.Name))})", "Unload")) return;
            int unloaded = Unload(null);
            WriteVerbose($"Unloaded {unloaded} model(s).");
            if (unloaded < loaded.Count)
                WriteWarning($"{loaded.Count - unloaded} model(s) stayed loaded: a model answering a request is unloaded only once it is idle.");
            if (PassThru) foreach (var model in loaded) WriteObject(model);
        }

        private void Stop(LoadedModel model)
        {
            if (!ShouldProcess(model.Engine == ModelMemory.EmbeddedEngine ? $"model '{model.Name}' (embedded engine, {ByteSize.Format(model.MemoryBytes)})"
                : $"model '{model.Name}' ({model.Backend}, {model.Mode})", "Unload")) return;
            int unloaded = Unload(model);
            if (unloaded == 0)
            {
                WriteError(ToErrorRecord(new DockerModelException(ErrorKind.ModelInUse,
                    $"The runner did not unload model '{model.Name}': it is answering a request (a busy model is unloaded only once it is idle), or it went idle and was unloaded meanwhile.") { Model = model.Name }, model));
                return;
            }
            if (PassThru) WriteObject(model);
        }

        private ModelMemory Memory => _memory ??= ModuleState.Memory();
        private ModelMemory? _memory;

        private int Unload(LoadedModel? model)
        {
            try
            {
                return Run(token => Memory.UnloadAsync(model, token));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, model));
                return 0;
            }
        }
    }
}
