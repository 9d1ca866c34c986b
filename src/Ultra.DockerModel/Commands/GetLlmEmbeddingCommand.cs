using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// The embedding (a vector) of each text, in batches, down the provider chain. "Get": the vector is data the model
    /// computes for the text, like Get-FileHash's hash for a file. With -Query each gets its Similarity to the query.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "LlmEmbedding")]
    [OutputType(typeof(LlmEmbedding))]
    public sealed class GetLlmEmbeddingCommand : DockerModelCmdlet
    {
        // Texts waiting for their batch, and what is written in input order once the batch is back.
        private readonly List<(string? Text, LlmEmbedding? Ready)> _pending = new();
        private ModuleSettings? _settings;
        private ProviderChain? _chain;
        private LlmEmbedding? _query;
        private bool _warned;
        private int _done;

        /// <summary>Texts (strings, or objects with a Text property), or embeddings made before (only compared with -Query).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Text")]
        [AllowEmptyString]
        public object[] InputObject { get; set; } = Array.Empty<object>();

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string? Model { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Query { get; set; }

        [Parameter]
        [ValidateRange(1, 2048)]
        public int BatchSize { get; set; } = 32;

        [Parameter]
        [ValidateRange(1, 65536)]
        public int? Dimensions { get; set; }

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

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        protected override void BeginProcessing()
        {
            SavedChain saved;
            try
            {
                _settings = new SettingsStore().Load();
                saved = new SavedChain(_settings.Providers);
            }
            catch (DockerModelException e) when (e.Kind == ErrorKind.SettingsInvalid)
            {
                // As Invoke-LocalLlm: a call that names its model still runs; the policy says when the chain is needed.
                _settings = new ModuleSettings();
                saved = SavedChain.Unreadable(e);
            }
            try
            {
                _chain = ChainPolicy.Standard.Resolve(saved, new ChainChoice
                {
                    Model = Model,
                    Provider = Provider,
                    Transport = MyInvocation.BoundParameters.ContainsKey(nameof(Transport)) ? Transport : null,
                    NoFallback = NoFallback,
                });
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, Provider ?? Model));
            }
            foreach (string warning in _chain!.Warnings) WriteWarning(warning);
        }

        protected override void ProcessRecord()
        {
            foreach (object? item in InputObject)
            {
                switch (item is PSObject ps ? ps.BaseObject : item)
                {
                    case LlmEmbedding { Vector.Length: > 0 } made:
                        _pending.Add((null, made));
                        break;
                    case null:
                        break;
                    case var other:
                        // By value an object binds whole: an object with a Text property (a CSV row) gives that text.
                        string text = other as string
                            ?? LanguagePrimitives.ConvertTo<string>(PSObject.AsPSObject(item!).Properties["Text"]?.Value ?? other);
                        if (string.IsNullOrWhiteSpace(text))
                            WriteError(ToErrorRecord(new DockerModelException(ErrorKind.InvalidInvocation, "An empty text has no embedding; it was skipped."), text));
                        else
                            _pending.Add((text, null));
                        break;
                }
            }
            if (_pending.Count(p => p.Text != null) >= BatchSize) Flush();
        }

        protected override void EndProcessing()
        {
            Flush();
            WriteProgress(new ProgressRecord(1, "Embedding", "Done") { RecordType = ProgressRecordType.Completed });
        }

        /// <summary>Embeds the waiting texts in one request (the query with them, so both come from the same model) and writes everything waiting, in order.</summary>
        private void Flush()
        {
            var texts = _pending.Where(p => p.Text != null).Select(p => p.Text!).ToList();
            bool needQuery = Query != null && (texts.Count > 0 || _query is null && _pending.Count > 0);
            if (needQuery) texts.Insert(0, Query!);
            var made = new Queue<LlmEmbedding>();
            if (texts.Count > 0)
            {
                WriteProgress(new ProgressRecord(1, "Embedding", $"{_done} text(s) done, {texts.Count} in this request") { PercentComplete = -1 });
                var result = Embed(texts);
                foreach (var e in result.Embeddings) made.Enqueue(e);
                if (needQuery) _query = made.Dequeue();
                _done += made.Count;
            }
            foreach (var (text, ready) in _pending)
            {
                var embedding = text != null ? made.Dequeue() : ready!;
                if (_query is null) WriteObject(embedding);
                else if (embedding.Model != _query.Model || embedding.Dimensions != _query.Dimensions)
                    WriteError(ToErrorRecord(new DockerModelException(ErrorKind.InvalidInvocation,
                        $"This embedding was made by '{embedding.Model}' ({embedding.Dimensions} dimensions) and the query by '{_query.Model}' ({_query.Dimensions}): vectors of different models cannot be compared. Pipe the texts instead."), embedding.Text));
                else WriteObject(embedding with { Similarity = embedding.CosineSimilarity(_query) });
            }
            _pending.Clear();
        }

        private EmbeddingResult Embed(IReadOnlyList<string> texts)
        {
            var request = new LlmRequest
            {
                Timeout = TimeoutSec is int t ? TimeSpan.FromSeconds(t) : null,
                AutoPull = AutoPull || _settings!.AutoPull,
                Cooldown = TimeSpan.FromSeconds(_settings!.CooldownSec),
            };
            var router = new LlmRouter(ModuleState.ChatClients(_settings!), ModuleState.Cooldown);
            CmdletRouteObserver? observer = null;
            try
            {
                var result = Run((queue, token) => router.EmbedAsync(_chain!, texts, Dimensions, request, observer = new CmdletRouteObserver(this, queue), token));
                observer?.CompletePull();
                if (!_warned && FallbackNotice.For(result.Attempts) is string notice)
                {
                    WriteWarning(notice);
                    _warned = true;
                }
                return result;
            }
            catch (DockerModelException e)
            {
                observer?.CompletePull();
                ThrowTerminatingError(ToErrorRecord(e, Provider ?? Model));
                throw; // not reached: ThrowTerminatingError throws
            }
        }
    }
}
