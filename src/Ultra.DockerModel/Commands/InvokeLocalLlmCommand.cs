using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Asks a local model (or the fallback chain) and streams the answer.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "LocalLlm", DefaultParameterSetName = PromptSet)]
    [OutputType(typeof(LlmResponse), typeof(string))]
    public sealed class InvokeLocalLlmCommand : DockerModelCmdlet
    {
        // -Prompt is mandatory unless text (or a response) comes down the pipeline: then it is optional.
        private const string PromptSet = "Prompt";
        private const string PipedSet = "Piped";

        private readonly List<string> _context = new();
        private LlmResponse? _conversation;

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PromptSet)]
        [Parameter(Position = 0, ParameterSetName = PipedSet)]
        [AllowEmptyString]
        public string Prompt { get; set; } = "";

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string? Model { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SystemPrompt { get; set; }

        /// <summary>Strings are context for the prompt (or the prompt itself); a previous LlmResponse continues its conversation.</summary>
        [Parameter(ValueFromPipeline = true, ParameterSetName = PromptSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipedSet)]
        [AllowNull]
        [AllowEmptyString]
        public object? InputObject { get; set; }

        [Parameter]
        public SwitchParameter Stream { get; set; }

        [Parameter]
        [ValidateRange(0.0, 2.0)]
        public double? Temperature { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? MaxTokens { get; set; }

        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double? TopP { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TopK { get; set; }

        [Parameter]
        public long? Seed { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Stop { get; set; }

        [Parameter]
        [ValidateRange(-2.0, 2.0)]
        public double? FrequencyPenalty { get; set; }

        [Parameter]
        [ValidateRange(-2.0, 2.0)]
        public double? PresencePenalty { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? FirstTokenTimeoutSec { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProviderNameCompleter))]
        public string? Provider { get; set; }

        [Parameter]
        public SwitchParameter NoFallback { get; set; }

        [Parameter]
        public LlmTransport Transport { get; set; } = LlmTransport.Auto;

        [Parameter]
        public SwitchParameter AutoPull { get; set; }

        /// <summary>CPU threads for an Embedded provider (default: the EmbeddedThreads setting, else half the cores).</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int? Threads { get; set; }

        protected override void ProcessRecord()
        {
            switch (InputObject is PSObject ps ? ps.BaseObject : InputObject)
            {
                case null:
                    break;
                case LlmResponse previous:
                    _conversation = previous;
                    break;
                case string line:
                    _context.Add(line);
                    break;
                case var other:
                    _context.Add(LanguagePrimitives.ConvertTo<string>(other));
                    break;
            }
        }

        protected override void EndProcessing()
        {
            var (settings, saved) = SavedSettings.Load();
            ProviderChain chain;
            IReadOnlyList<LlmMessage> messages;
            try
            {
                chain = Policy(settings).Resolve(saved, new ChainChoice
                {
                    Model = Model,
                    Provider = Provider,
                    Transport = MyInvocation.BoundParameters.ContainsKey(nameof(Transport)) ? Transport : null,
                    NoFallback = NoFallback,
                    Conversation = _conversation?.ProviderEntry,
                });
                messages = Messages();
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, Provider ?? Model));
                return;
            }
            foreach (string warning in chain.Warnings) WriteWarning(warning);
            foreach (string note in chain.Notes) WriteVerbose(note);
            var request = new LlmRequest
            {
                Messages = messages,
                Temperature = (float?)Temperature,
                MaxTokens = MaxTokens,
                TopP = (float?)TopP,
                TopK = TopK,
                Seed = Seed,
                Stop = Stop,
                FrequencyPenalty = (float?)FrequencyPenalty,
                PresencePenalty = (float?)PresencePenalty,
                Timeout = TimeoutSec is int t ? TimeSpan.FromSeconds(t) : null,
                FirstTokenTimeout = FirstTokenTimeoutSec is int f ? TimeSpan.FromSeconds(f) : null,
                AutoPull = AutoPull || settings.AutoPull,
                KeepText = !Stream, // -Stream writes the pieces and no response object: do not copy the whole answer again
                Cooldown = TimeSpan.FromSeconds(settings.CooldownSec),
            };
            bool live = LiveDisplay.Applies(Stream, Host.Name, Console.IsOutputRedirected, Environment.UserInteractive,
                MyInvocation.PipelinePosition, MyInvocation.PipelineLength);
            var cooldown = ModuleState.Cooldown; // this runspace's, read on its thread
            Observer? observer = null;
            try
            {
                var response = Run((queue, token) => new LlmRouter(Factory(settings, queue), cooldown)
                    .RunAsync(chain, request, observer = new Observer(this, queue, live), token));
                observer?.CompletePull();
                if (live) WriteInformation(new HostInformationMessage { Message = "", NoNewLine = false }, new[] { "PSHOST" });
                if (FallbackNotice.For(response.Attempts) is string notice) WriteWarning(notice);
                if (Stream) return;
                if (!live)
                {
                    WriteObject(response);
                    return;
                }
                var shown = PSObject.AsPSObject(response);
                shown.TypeNames.Insert(0, LiveDisplay.DisplayedTypeName);
                WriteObject(shown);
            }
            catch (DockerModelException e)
            {
                observer?.CompletePull();
                if (live && e.PartialText != null) WriteInformation(new HostInformationMessage { Message = "" }, new[] { "PSHOST" });
                ThrowTerminatingError(ToErrorRecord(e, Provider ?? Model));
            }
        }

        /// <summary>The standard chain rules, then the embedded engine for -Model when the runner cannot answer (the EmbeddedFallback setting).</summary>
        private ChainPolicy Policy(ModuleSettings settings) => new(ChainPolicy.StandardRules.Append(
            new EmbeddedFallbackRule(settings.EmbeddedFallback, AutoPull || settings.AutoPull, name => EmbeddedModelFile.IsInStores(ModelStores.Open(settings), name))));

        /// <summary>The chat clients for this call; the embedded engine's log goes to the pipeline thread through <paramref name="queue"/>.</summary>
        private ChatClientFactory Factory(ModuleSettings settings, PipelineQueue queue) => new(Docker)
        {
            EngineOptions = EngineSettings.From(settings, Threads),
            EngineLog = new EngineLogForwarder(this, queue),
            FindInStores = name => EmbeddedModelFile.InStores(ModelStores.Open(settings), name),
            PullToStore = (name, progress, token) => new ModelPuller(new ModuleStore(StoreLocations.ModuleStore(settings))).PullAsync(name, progress, token),
        };

        private IReadOnlyList<LlmMessage> Messages()
        {
            var messages = new List<LlmMessage>();
            var history = _conversation?.History ?? (IReadOnlyList<LlmMessage>)Array.Empty<LlmMessage>();
            if (SystemPrompt != null) messages.Add(new LlmMessage("system", SystemPrompt));
            messages.AddRange(SystemPrompt != null ? history.Where(m => m.Role != "system") : history);
            // Piped text follows the instruction, as `cat file | docker model run MODEL "instruction"` does.
            string prompt = _context.Count == 0 ? Prompt
                : Prompt.Length == 0 ? string.Join("\n", _context)
                : Prompt + "\n\n" + string.Join("\n", _context);
            // Nothing to ask is a mistake on every transport (over the CLI it would even start an interactive chat).
            if (string.IsNullOrWhiteSpace(prompt))
                throw new DockerModelException(ErrorKind.InvalidInvocation, "The prompt is empty: give -Prompt text or pipe text in.");
            messages.Add(new LlmMessage("user", prompt));
            return messages;
        }

        /// <summary>Forwards the router's reports to the pipeline thread.</summary>
        private sealed class Observer : IRouteObserver
        {
            private readonly InvokeLocalLlmCommand _cmdlet;
            private readonly PipelineQueue _queue;
            private readonly bool _live;

            public Observer(InvokeLocalLlmCommand cmdlet, PipelineQueue queue, bool live)
            {
                _cmdlet = cmdlet;
                _queue = queue;
                _live = live;
            }

            // The activity of a pull progress bar still on screen; touched on the pipeline thread only.
            private string? _pullActivity;

            public void OnPiece(string text)
            {
                if (_cmdlet.Stream) _queue.Post(() => { CompletePull(); _cmdlet.WriteObject(text); });
                else if (_live) _queue.Post(() => { CompletePull(); _cmdlet.WriteInformation(new HostInformationMessage { Message = text, NoNewLine = true }, new[] { "PSHOST" }); });
            }

            // After a pull the router's next report is that it tries the provider again: the download is over by then.
            public void OnVerbose(string message) => _queue.Post(() => { CompletePull(); _cmdlet.WriteVerbose(message); });

            public void OnPullProgress(PullProgress p) => _queue.Post(() =>
            {
                _pullActivity = $"Installing {p.Model}";
                _cmdlet.WriteProgress(PullProgressRecord.Create(1, _pullActivity, p));
            });

            /// <summary>Closes the pull progress bar, if one is open (pipeline thread only).</summary>
            public void CompletePull()
            {
                if (_pullActivity is null) return;
                _cmdlet.WriteProgress(new ProgressRecord(1, _pullActivity, "Done") { RecordType = ProgressRecordType.Completed });
                _pullActivity = null;
            }
        }
    }
}
