using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Sets how Docker Model Runner runs a model (<c>docker model configure</c>): context size, keep-alive, mode,
    /// reasoning and backend runtime flags. Settings not given keep their current value.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "LocalModelConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ModelConfiguration))]
    public sealed class SetLocalModelConfigurationCommand : DockerModelCmdlet
    {
        private IReadOnlyList<LocalModel>? _installed;
        private readonly HashSet<string> _done = new();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string[] Name { get; set; } = null!;

        /// <summary>The context window in tokens (llama.cpp's --ctx-size).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int ContextSize { get; set; }

        /// <summary>How long the model stays in memory when idle: a TimeSpan or '10m', 0 (unload after each request), -1 or 'Forever'.</summary>
        [Parameter]
        [KeepAliveTransformation]
        public TimeSpan KeepAlive { get; set; }

        /// <summary>What the model serves: completion (chat), embedding, reranking or image-generation.</summary>
        [Parameter]
        [ValidateSet("completion", "embedding", "reranking", "image-generation")]
        public string? Mode { get; set; }

        /// <summary>Turns reasoning ("thinking") on, or off with -Reasoning:$false, for models that can reason.</summary>
        [Parameter]
        public SwitchParameter Reasoning { get; set; }

        /// <summary>Flags for the inference backend, such as '--threads', '4'; an empty list removes the current ones.</summary>
        [Parameter]
        [AllowEmptyCollection]
        public string[]? RuntimeFlag { get; set; }

        /// <summary>Writes the configuration the runner holds afterwards.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var bound = MyInvocation.BoundParameters;
            var change = new ModelConfigurationChange
            {
                ContextSize = bound.ContainsKey(nameof(ContextSize)) ? ContextSize : null,
                KeepAlive = bound.ContainsKey(nameof(KeepAlive)) ? KeepAlive : null,
                Mode = Mode,
                Reasoning = bound.ContainsKey(nameof(Reasoning)) ? Reasoning.IsPresent : null,
                RuntimeFlags = RuntimeFlag,
            };
            ForEachNamedModel(Name, ref _installed, (_, model) =>
            {
                if (_done.Add(model.Id)) Configure(model, change);
            });
        }

        private void Configure(LocalModel model, ModelConfigurationChange change)
        {
            try
            {
                var merged = change.Over(Current(model.Name));
                if (!ShouldProcess($"model '{model.Name}'", $"Set configuration: {merged.Describe()}")) return;
                Run(async token => { await Docker.ConfigureAsync(model.Name, merged, token).ConfigureAwait(false); return true; });
                if (PassThru) foreach (var c in Run(token => Docker.GetConfigurationsAsync(model.Name, token))) WriteObject(c);
            }
            catch (DockerModelException e) when (e.Kind is ErrorKind.ModelInUse or ErrorKind.InvalidInvocation or ErrorKind.ModelNotFound)
            {
                WriteError(ToErrorRecord(e, model));
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, model));
            }
        }

        // An older CLI has no `configure show`: then only the settings given are sent.
        private ModelConfiguration? Current(string model)
        {
            try
            {
                var list = Run(token => Docker.GetConfigurationsAsync(model, token));
                return list.Count > 0 ? list[0] : null;
            }
            catch (DockerModelException e) when (e.Kind is ErrorKind.InvalidInvocation or ErrorKind.Unknown)
            {
                WriteVerbose($"The current configuration could not be read ({e.Message}); only the settings given are sent.");
                return null;
            }
        }
    }
}
