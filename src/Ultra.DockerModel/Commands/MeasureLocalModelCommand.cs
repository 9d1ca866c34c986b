using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Lifecycle;
using Ultra.DockerModel.Measuring;
using Ultra.DockerModel.Routing;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Measures models on providers: load time (first call after an unload), time to first token, tokens per second
    /// and total time, as the median and spread of several runs made through the same router as Invoke-LocalLlm.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "LocalModel")]
    [OutputType(typeof(ModelMeasurement), typeof(string))]
    public sealed class MeasureLocalModelCommand : DockerModelCmdlet
    {
        private readonly List<string> _names = new();
        private IReadOnlyList<LocalModel>? _installed;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[] Name { get; set; } = null!;

        /// <summary>What each run asks.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Prompt { get; set; } = new MeasureOptions().Prompt;

        /// <summary>Runs measured per model and provider, after the cold first call.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int Repeat { get; set; } = 3;

        [Parameter]
        public LlmTransport Transport { get; set; } = LlmTransport.Auto;

        /// <summary>Saved providers (Get-LlmProviderFallback) to measure each model on; the local runner when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProviderNameCompleter))]
        public string[]? Provider { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? MaxTokens { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        /// <summary>Writes one Markdown table (a string) at the end instead of the objects.</summary>
        [Parameter]
        public SwitchParameter AsMarkdown { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string name in ValidNamesOrFiles(Name))
            {
                if (!WildcardPattern.ContainsWildcardCharacters(name))
                {
                    _names.Add(name);
                    continue;
                }
                // A wildcard stands for installed models; a plain name goes to the provider as typed.
                ForEachNamedModel(new[] { name }, ref _installed, (_, model) => _names.Add(model.Name));
            }
        }

        protected override void EndProcessing()
        {
            var models = _names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (models.Count == 0) return;
            var (settings, saved) = SavedSettings.Load();
            var options = new MeasureOptions
            {
                Prompt = Prompt,
                Repeat = Repeat,
                MaxTokens = MaxTokens,
                Timeout = TimeoutSec is int t ? TimeSpan.FromSeconds(t) : null,
            };
            List<LlmProvider> targets;
            try
            {
                // Every model on every provider, resolved before the first call: an unknown -Provider fails at once.
                targets = models.SelectMany(model => (Provider ?? new string?[] { null }).Select(p => Resolve(saved, model, p))).ToList();
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, Provider));
                return;
            }
            var clients = ModuleState.ChatClients(settings);
            var measurer = new ModelMeasurer(new LlmRouter(clients, ModuleState.Cooldown), new ModelMemory(clients));
            var results = new List<ModelMeasurement>();
            const string activity = "Measuring models";
            for (int i = 0; i < targets.Count; i++)
            {
                var provider = targets[i];
                int before = i * (Repeat + 1), total = targets.Count * (Repeat + 1);
                try
                {
                    var m = Run((queue, token) => measurer.MeasureAsync(provider, options,
                        new QueueProgress<MeasureStep>(queue, step => WriteProgress(new ProgressRecord(1, activity,
                            $"{step.Model} on {step.Provider}: {(step.Run == 0 ? "first call (load)" : $"run {step.Run} of {step.Runs}")}")
                        { PercentComplete = (before + step.Run) * 100 / total })),
                        new VerboseObserver(this, queue), token));
                    if (m.Failures > 0) WriteWarning($"{m.Failures} of {m.Runs} runs of {m} failed: {m.Error}");
                    if (AsMarkdown) results.Add(m);
                    else WriteObject(m);
                }
                catch (DockerModelException e)
                {
                    WriteError(ToErrorRecord(e, $"{provider.Model} on {provider.Name}"));
                }
            }
            WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
            if (AsMarkdown && results.Count > 0) WriteObject(MeasurementTable.ToMarkdown(results));
        }

        // The same choice Invoke-LocalLlm -Model M [-Provider P] -NoFallback makes: the local runner, or the saved entry with M.
        private LlmProvider Resolve(SavedChain saved, string model, string? provider) =>
            ChainPolicy.Standard.Resolve(saved, new ChainChoice
            {
                Model = model,
                Provider = provider,
                Transport = MyInvocation.BoundParameters.ContainsKey(nameof(Transport)) ? Transport : null,
                NoFallback = true,
            }).Providers[0];

        /// <summary>The router's notes, as verbose messages on the pipeline thread; the answers themselves are not written.</summary>
        private sealed class VerboseObserver : IRouteObserver
        {
            private readonly Cmdlet _cmdlet;
            private readonly PipelineQueue _queue;

            public VerboseObserver(Cmdlet cmdlet, PipelineQueue queue)
            {
                _cmdlet = cmdlet;
                _queue = queue;
            }

            public void OnPiece(string text) { }

            public void OnVerbose(string message) => _queue.Post(() => _cmdlet.WriteVerbose(message));

            public void OnPullProgress(PullProgress progress) { }
        }
    }
}
