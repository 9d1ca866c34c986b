using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Saves the ordered chain of providers Invoke-LocalLlm falls back along.</summary>
    [Cmdlet(VerbsCommon.Set, "LlmProviderFallback", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(LlmProvider))]
    public sealed class SetLlmProviderFallbackCommand : DockerModelCmdlet
    {
        // Every provider given, from the command line or piped in one by one, in order.
        private readonly List<object> _given = new();
        private bool _providerGiven;

        /// <summary>Hashtables or LlmProvider objects (New-LlmProvider), in the order to try them; omit to change only the options.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [AllowEmptyCollection]
        public object[]? Provider { get; set; }

        /// <summary>Seconds an unavailable provider is skipped within a session (default 30).</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int? CooldownSec { get; set; }

        /// <summary>Let Invoke-LocalLlm pull a Docker model that is not installed (-AutoPull:$false turns it off).</summary>
        [Parameter]
        public SwitchParameter AutoPull { get; set; }

        /// <summary>
        /// With -Model and no chain, run a model found in a store on disk with the embedded engine when Docker Model Runner
        /// cannot (on by default; -EmbeddedFallback:$false turns it off).
        /// </summary>
        [Parameter]
        public SwitchParameter EmbeddedFallback { get; set; }

        /// <summary>The embedded engine's context window in tokens: the model's own, capped at this (default 4096).</summary>
        [Parameter]
        [ValidateRange(256, 1048576)]
        public int? EmbeddedContextSize { get; set; }

        /// <summary>CPU threads for the embedded engine; 0 for half the cores (the default).</summary>
        [Parameter]
        [ValidateRange(0, 1024)]
        public int? EmbeddedThreads { get; set; }

        /// <summary>Seconds a model the embedded engine loaded stays in memory unused (default 300).</summary>
        [Parameter]
        [ValidateRange(0, 604800)]
        public int? EmbeddedIdleSec { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Provider))) return;
            _providerGiven = true;
            if (Provider != null) _given.AddRange(Provider);
        }

        protected override void EndProcessing()
        {
            var store = new SettingsStore();
            try
            {
                bool autoPullGiven = MyInvocation.BoundParameters.ContainsKey(nameof(AutoPull));
                bool fallbackGiven = MyInvocation.BoundParameters.ContainsKey(nameof(EmbeddedFallback));
                bool engineGiven = EmbeddedContextSize != null || EmbeddedThreads != null || EmbeddedIdleSec != null;
                // `Get-LlmProviderFallback | Where-Object ... | Set-LlmProviderFallback` that keeps nothing, or -Provider @().
                bool piped = MyInvocation.ExpectingInput;
                if ((_providerGiven || piped) && _given.Count == 0)
                    throw new DockerModelException(ErrorKind.InvalidInvocation,
                        "No provider was given, and a fallback chain needs at least one. To remove them all, use Clear-LlmProviderFallback.");
                if (!_providerGiven && CooldownSec is null && !autoPullGiven && !fallbackGiven && !engineGiven)
                    throw new DockerModelException(ErrorKind.InvalidInvocation,
                        "Give -Provider, -CooldownSec, -AutoPull or an -Embedded* setting: there is nothing to set.");
                var chain = _providerGiven ? Flatten(_given).Select(ToProvider).ToList() : null;
                var duplicate = chain?.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
                if (duplicate != null)
                    throw new DockerModelException(ErrorKind.SettingsInvalid, $"The provider name '{duplicate.Key}' is used twice; names must be unique.");
                string what = chain is null ? "Change the LLM provider settings"
                    : "Set the LLM provider fallback chain to " + string.Join(" -> ", chain.Select(p => p.Name));
                var saved = SaveSettings(store, what, settings =>
                {
                    if (chain != null) settings.Providers = chain;
                    if (CooldownSec is int c) settings.CooldownSec = c;
                    if (autoPullGiven) settings.AutoPull = AutoPull;
                    if (fallbackGiven) settings.EmbeddedFallback = EmbeddedFallback;
                    if (EmbeddedContextSize is int size) settings.EmbeddedContextSize = size;
                    if (EmbeddedThreads is int threads) settings.EmbeddedThreads = threads == 0 ? null : threads;
                    if (EmbeddedIdleSec is int idle) settings.EmbeddedIdleSec = idle;
                });
                if (PassThru && saved != null) WriteObject(saved.Providers, enumerateCollection: true);
            }
            catch (DockerModelException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, store.FilePath));
            }
        }

        // `-Provider (Get-LlmProviderFallback), $new` passes an array inside the array: take its items in place.
        private static IEnumerable<object> Flatten(IEnumerable<object> items)
        {
            foreach (var item in items)
            {
                object? value = item is PSObject ps ? ps.BaseObject : item;
                if (value is IEnumerable list && value is not string && value is not IDictionary)
                {
                    foreach (var inner in Flatten(list.Cast<object>())) yield return inner;
                }
                else yield return item;
            }
        }

        private static LlmProvider ToProvider(object item, int index)
        {
            object value = item is PSObject ps ? ps.BaseObject : item;
            LlmProvider provider;
            try
            {
                provider = value switch
                {
                    LlmProvider p => p,
                    IDictionary table => FromTable(table),
                    // ConvertFrom-Json, Import-Csv, a deserialized LlmProvider: the same keys as a hashtable
                    PSCustomObject when item is PSObject pso => FromTable(pso.Properties.ToDictionary(m => m.Name, m => m.Value, StringComparer.OrdinalIgnoreCase)),
                    _ => throw new PSInvalidCastException($"a {value?.GetType().Name ?? "null"} is neither a hashtable nor an LlmProvider"),
                };
            }
            catch (Exception e) when (e is PSInvalidCastException || e is ArgumentException || e is InvalidCastException)
            {
                throw new DockerModelException(ErrorKind.SettingsInvalid, $"Provider #{index + 1}: {e.Message}", null, e);
            }
            provider.Validate();
            return provider;
        }

        private static readonly string[] Keys = { "Name", "Kind", "Model", "Endpoint", "ApiKeyEnvironmentVariable", "TimeoutSec", "Enabled", "Transport" };

        // Not LanguagePrimitives' conversion alone: to PowerShell any non-empty string, "False" included, is $true.
        private static bool Enabled(object? value) => value switch
        {
            null => true,
            bool b => b,
            SwitchParameter sw => sw.IsPresent,
            string s when bool.TryParse(s.Trim(), out bool b) => b,
            string s => throw new ArgumentException($"Enabled must be $true or $false, not '{s}'."),
            _ => LanguagePrimitives.ConvertTo<bool>(value),
        };

        private static LlmProvider FromTable(IDictionary table)
        {
            foreach (var key in table.Keys.Cast<object>().Select(k => k.ToString()!))
                if (!Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                    throw new ArgumentException($"unknown key '{key}'; the keys are {string.Join(", ", Keys)}.");
            object? Raw(string key) => table.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), key, StringComparison.OrdinalIgnoreCase)) is { } k
                ? (table[k] is PSObject ps ? ps.BaseObject : table[k]) : null;
            // A key given as $null is a key not given.
            string? Get(string key) => Raw(key) is { } v ? LanguagePrimitives.ConvertTo<string>(v) : null;
            string kind = Get("Kind") ?? throw new ArgumentException($"Kind is missing; use {LlmProvider.KindNames}.");
            if (!Enum.TryParse<LlmProviderKind>(kind, true, out var parsedKind) || !Enum.IsDefined(typeof(LlmProviderKind), parsedKind))
                throw new ArgumentException($"unknown Kind '{kind}'; use {LlmProvider.KindNames}.");
            string? transport = Get("Transport");
            if (transport != null && !Enum.TryParse<LlmTransport>(transport, true, out _))
                throw new ArgumentException($"unknown Transport '{transport}'; use Auto, Cli or Http.");
            return new LlmProvider
            {
                Name = Get("Name") ?? "",
                Kind = parsedKind,
                Model = Get("Model"),
                Endpoint = Get("Endpoint"),
                ApiKeyEnvironmentVariable = Get("ApiKeyEnvironmentVariable"),
                TimeoutSec = Get("TimeoutSec") is { } t ? LanguagePrimitives.ConvertTo<int>(t) : null,
                Enabled = Enabled(Raw("Enabled")),
                Transport = transport is null ? LlmTransport.Auto : (LlmTransport)Enum.Parse(typeof(LlmTransport), transport, true),
            };
        }
    }
}
