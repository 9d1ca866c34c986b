using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using Ultra.DockerModel.Commands;

namespace Ultra.DockerModel.Completion
{
    /// <summary>
    /// Completes model names from every local store (Docker Model Runner's, Docker's on disk, the module's). The list is cached for a few seconds and fetched with a short
    /// time-out, so Tab never hangs on a slow or stopped runner (it then offers the last good list, or nothing).
    /// </summary>
    public sealed class LocalModelNameCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
        private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(2);
        private static IReadOnlyList<LocalModel> _cached = Array.Empty<LocalModel>();
        private static DateTime _cachedAt = DateTime.MinValue;

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = (wordToComplete ?? "").Trim('\'', '"');
            var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
            foreach (var model in Models())
                foreach (string tag in model.Tags.DefaultIfEmpty(model.Id))
                    if (pattern.IsMatch(tag) || pattern.IsMatch(ModelReference.ShortName(tag)))
                        yield return new CompletionResult(tag, tag, CompletionResultType.ParameterValue, Tooltip(model));
        }

        private static string Tooltip(LocalModel m) =>
            string.Join(", ", new[] { m.Parameters, m.Quantization, ByteSize.Format(m.Size) }.Where(s => !string.IsNullOrEmpty(s)));

        private static IReadOnlyList<LocalModel> Models()
        {
            if (DateTime.UtcNow - _cachedAt < CacheFor) return _cached;
            try
            {
                using var timeout = new CancellationTokenSource(FetchTimeout);
                _cached = ModuleState.Catalog().ListAsync(DockerModelCmdlet.AllStores, timeout.Token).GetAwaiter().GetResult().Models;
            }
            catch (Exception e) when (e is DockerModelException || e is OperationCanceledException)
            {
                // Keep the last good list: completion must not fail or block.
            }
            _cachedAt = DateTime.UtcNow;
            return _cached;
        }
    }
}
