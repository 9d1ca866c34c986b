using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Ultra.DockerModel.Caching;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Stores;
using Ultra.DockerModel.Structured;
using Ultra.DockerModel.Templates;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Asks a local model (or the fallback chain) and streams the answer.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "LocalLlm", DefaultParameterSetName = PromptSet)]
    [OutputType(typeof(LlmResponse), typeof(string), typeof(PSObject))]
    public sealed class InvokeLocalLlmCommand : DockerModelCmdlet
    {
        // -Prompt is mandatory unless text (or a response) comes down the pipeline: then it is optional.
        private const string PromptSet = "Prompt";
        private const string PipedSet = "Piped";
        // -Template: the template is the prompt, so neither -Prompt nor piped text is required.
        private const string TemplateSet = "Template";

        private readonly List<string> _context = new();
        private LlmResponse? _conversation;

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PromptSet)]
        [Parameter(Position = 0, ParameterSetName = PipedSet)]
        [Parameter(Position = 0, ParameterSetName = TemplateSet)]
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
        [Parameter(ValueFromPipeline = true, ParameterSetName = TemplateSet)]
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

        /// <summary>A hashtable, a JSON Schema string, or a class: the answer must be JSON of that shape.</summary>
        [Parameter]
        [ValidateNotNull]
        public object? Schema { get; set; }

        /// <summary>The answer must be a JSON object (any).</summary>
        [Parameter]
        public SwitchParameter AsJson { get; set; }

        /// <summary>With -Schema or -AsJson: write the LlmResponse (its Value is the parsed object) instead of the object.</summary>
        [Parameter]
        public SwitchParameter AsResponse { get; set; }

        [Parameter]
        [ValidateRange(0, 10)]
        public int SchemaRetryCount { get; set; } = 1;

        [Parameter]
        public SwitchParameter Cache { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = TemplateSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public string? Template { get; set; }

        [Parameter(ParameterSetName = TemplateSet)]
        [ValidateNotNull]
        public Hashtable? TemplateParameter { get; set; }

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
            PromptTemplate? template = null;
            OutputSchema? schema;
            try
            {
                if (Template != null) template = TemplateLookup.Find(SettingsOrThrow(saved, settings), Template);
                schema = Shape(template);
                chain = Policy(settings).Resolve(saved, new ChainChoice
                {
                    Model = Model is null ? template?.Model : FileFromLocation(Model), // a .gguf path from PowerShell's location
                    Provider = Provider,
                    Transport = MyInvocation.BoundParameters.ContainsKey(nameof(Transport)) ? Transport : null,
                    NoFallback = NoFallback,
                    Conversation = _conversation?.ProviderEntry,
                });
                messages = Messages(template);
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
                Temperature = (float?)Temperature ?? template?.Temperature,
                MaxTokens = MaxTokens ?? template?.MaxTokens,
                Schema = schema,
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
            // A structured answer is an object, not text to watch: it is not shown as it comes.
            bool live = schema is null && LiveDisplay.Applies(Stream, Host.Name, Console.IsOutputRedirected, Environment.UserInteractive,
                MyInvocation.PipelinePosition, MyInvocation.PipelineLength);
            var cache = CachedRoute.Applies(Cache, settings.ResponseCache, request.Temperature, seeded: request.Seed != null)
                ? new CachedRoute(ResponseCache.FromSettings(settings), ModelDigests.Of(settings)) : null;
            var cooldown = ModuleState.Cooldown; // this runspace's, read on its thread
            Observer? observer = null;
            try
            {
                StructuredAnswer? structured = null;
                var response = Run(async (queue, token) =>
                {
                    observer = new Observer(this, queue, live);
                    var router = new LlmRouter(ModuleState.ChatClients(settings, Threads, new EngineLogForwarder(this, queue)), cooldown);
                    Task<LlmResponse> Route(ProviderChain c, LlmRequest r, IRouteObserver o) => router.RunAsync(c, r, o, token);
                    Task<LlmResponse> Ask(ProviderChain c, LlmRequest r) => cache is null ? Route(c, r, observer)
                        : cache.RunAsync(c, r, observer, Route, a => schema is null || JsonAnswer.Check(schema, a.Text, out _) != null);
                    if (schema is null) return await Ask(chain, request).ConfigureAwait(false);
                    structured = await StructuredCall.RunAsync(chain, request, SchemaRetryCount, Ask, observer.OnVerbose).ConfigureAwait(false);
                    return structured.Response;
                });
                observer?.CompletePull();
                ModelUseLog.RecordAnswer(response); // for Remove-LocalModel -Unused (at most one settings write an hour per model)
                if (live) WriteInformation(new HostInformationMessage { Message = "", NoNewLine = false }, new[] { "PSHOST" });
                if (FallbackNotice.For(response.Attempts) is string notice) WriteWarning(notice);
                if (Stream) return;
                if (structured != null)
                {
                    var value = SchemaArgument.ToObject(schema!, structured.Value);
                    WriteObject(AsResponse ? response with { Value = value } : value);
                    return;
                }
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

        /// <summary>The settings a template is read from: a file that could not be read is that error here.</summary>
        private static ModuleSettings SettingsOrThrow(SavedChain saved, ModuleSettings settings) => saved.Error is { } e ? throw e : settings;

        /// <summary>The shape the answer must have: -Schema, -AsJson or the template's schema; null for text.</summary>
        private OutputSchema? Shape(PromptTemplate? template)
        {
            if (Schema != null && AsJson)
                throw new DockerModelException(ErrorKind.InvalidInvocation, "Give -Schema or -AsJson, not both: -AsJson is any JSON object, -Schema a given shape.");
            var schema = Schema != null ? SchemaArgument.From(Schema) : AsJson ? OutputSchema.AnyObject
                : template?.Schema is string json ? OutputSchema.Parse(json) : null;
            if (schema != null && Stream)
                throw new DockerModelException(ErrorKind.InvalidInvocation, "-Stream writes the answer's text as it comes; a structured answer (-Schema, -AsJson) is one object, written once it is checked. Leave out -Stream.");
            if (schema is null && AsResponse)
                throw new DockerModelException(ErrorKind.InvalidInvocation, "-AsResponse goes with -Schema or -AsJson (without them the response is what Invoke-LocalLlm writes anyway).");
            return schema;
        }

        private IReadOnlyList<LlmMessage> Messages(PromptTemplate? template)
        {
            var messages = new List<LlmMessage>();
            var history = _conversation?.History ?? (IReadOnlyList<LlmMessage>)Array.Empty<LlmMessage>();
            // Piped text follows the instruction, as `cat file | docker model run MODEL "instruction"` does.
            string prompt = _context.Count == 0 ? Prompt
                : Prompt.Length == 0 ? string.Join("\n", _context)
                : Prompt + "\n\n" + string.Join("\n", _context);
            string? system = SystemPrompt;
            if (template != null)
            {
                // What the call gives is the template's {{input}}; a missing value is an error before any request.
                var rendered = template.Render(TemplateValues(), prompt.Length > 0 ? prompt : null);
                prompt = rendered.Prompt;
                system ??= rendered.SystemPrompt;
            }
            if (system != null) messages.Add(new LlmMessage("system", system));
            messages.AddRange(system != null ? history.Where(m => m.Role != "system") : history);
            // Nothing to ask is a mistake on every transport (over the CLI it would even start an interactive chat).
            if (string.IsNullOrWhiteSpace(prompt))
                throw new DockerModelException(ErrorKind.InvalidInvocation, "The prompt is empty: give -Prompt text or pipe text in.");
            messages.Add(new LlmMessage("user", prompt));
            return messages;
        }

        private Dictionary<string, string> TemplateValues()
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (TemplateParameter != null)
                foreach (DictionaryEntry kv in TemplateParameter)
                    values[LanguagePrimitives.ConvertTo<string>(kv.Key)] = LanguagePrimitives.ConvertTo<string>(kv.Value) ?? "";
            return values;
        }

        /// <summary>
        /// Writes the pieces of the answer (-Stream) or shows them (at the console), and a reasoning model's thinking apart
        /// from them; the rest as every cmdlet does.
        /// </summary>
        private sealed class Observer : CmdletRouteObserver, IReasoningObserver
        {
            private readonly InvokeLocalLlmCommand _cmdlet;
            private readonly bool _live;

            public Observer(InvokeLocalLlmCommand cmdlet, PipelineQueue queue, bool live) : base(cmdlet, queue)
            {
                _cmdlet = cmdlet;
                _live = live;
            }

            // Whether the console is showing a reasoning model's thinking (pipeline thread only).
            private bool _thinking;

            public override void OnPiece(string text)
            {
                if (_cmdlet.Stream) Queue.Post(() => { CompletePull(); _cmdlet.WriteObject(text); });
                else if (_live) Queue.Post(() =>
                {
                    CompletePull();
                    ToHost(_thinking ? "\n\n--\n\n" + text : text);
                    _thinking = false;
                });
            }

            // The thinking is never output: at the console it shows as the docker CLI shows it (Thinking:, then a --
            // line before the answer); elsewhere it goes to the information stream, tagged Reasoning (-Stream has no
            // response to carry it; -InformationVariable or 6>&1 collect it).
            public void OnReasoning(string text) => Queue.Post(() =>
            {
                CompletePull();
                if (_live)
                {
                    ToHost(_thinking ? text : "Thinking:\n" + text);
                    _thinking = true;
                }
                else _cmdlet.WriteInformation(new InformationRecord(text, _cmdlet.MyInvocation.MyCommand.Name) { Tags = { "Reasoning" } });
            });

            private void ToHost(string text) =>
                _cmdlet.WriteInformation(new HostInformationMessage { Message = text, NoNewLine = true }, new[] { "PSHOST" });
        }
    }
}
