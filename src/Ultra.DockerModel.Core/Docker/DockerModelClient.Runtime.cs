using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel
{
    // The runner's memory, configuration and disk (docker model ps, unload, configure, df), and what its registry holds (inspect --remote).
    public sealed partial class DockerModelClient
    {
        private static readonly Regex Unloaded = new(@"^(?:Unloaded|Stopped) (\d+) model\(s\)\.", RegexOptions.Multiline | RegexOptions.CultureInvariant);

        /// <summary>The models the runner holds in memory (<c>docker model ps</c>; the CLI has no JSON form, so its table is read).</summary>
        public async Task<IReadOnlyList<LoadedModel>> ListLoadedAsync(CancellationToken cancellationToken)
        {
            var result = await RunCheckedAsync(new[] { "model", "ps" }, null, cancellationToken).ConfigureAwait(false);
            return CliTable.Parse(result.StandardOutput, "MODEL NAME").Select(row =>
            {
                string name = row.TryGetValue("MODEL NAME", out var n) ? n : "";
                string? until = row.TryGetValue("UNTIL", out var u) ? u : row.TryGetValue("LAST USED", out var lu) ? lu : null;
                return new LoadedModel
                {
                    // ps strips ai/ and :latest for display; a 12-digit id stays an id.
                    Name = ModelReference.IsId(name) || !ModelReference.IsValid(name) ? name : ModelReference.Normalize(name),
                    Engine = "DockerModelRunner",
                    Backend = Cell(row, "BACKEND"),
                    Mode = Cell(row, "MODE"),
                    Until = string.IsNullOrEmpty(until) ? null : until,
                    IsLoading = until == "Loading...",
                };
            }).ToList();
        }

        /// <summary>
        /// Unloads one model (<c>docker model unload MODEL</c>) or all (<paramref name="model"/> null: <c>--all</c>);
        /// returns how many runners went. The runner never unloads a model that is answering a request.
        /// </summary>
        public async Task<int> UnloadAsync(string? model, CancellationToken cancellationToken)
        {
            var args = model is null ? new[] { "model", "unload", "--all" } : new[] { "model", "unload", ForDocker(model) };
            var result = await RunCheckedAsync(args, model, cancellationToken).ConfigureAwait(false);
            var m = Unloaded.Match(result.StandardOutput);
            return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }

        /// <summary>Sets a model's runtime configuration (<c>docker model configure</c>, which replaces the whole configuration).</summary>
        public async Task ConfigureAsync(string model, ModelConfigurationChange change, CancellationToken cancellationToken)
        {
            string reference = ForDocker(model);
            var args = new List<string> { "model", "configure" };
            if (change.ContextSize is int c) args.Add("--context-size=" + c.ToString(CultureInfo.InvariantCulture));
            if (change.KeepAlive is TimeSpan k) args.Add("--keep-alive=" + GoDuration.FormatKeepAlive(k));
            if (change.Mode != null) args.Add("--mode=" + change.Mode);
            if (change.Reasoning is bool r) args.Add("--think=" + (r ? "true" : "false"));
            args.Add(reference);
            if (change.RuntimeFlags is { Count: > 0 })
            {
                args.Add("--");
                args.AddRange(change.RuntimeFlags);
            }
            await RunCheckedAsync(args, model, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The stored runtime configurations (<c>docker model configure show [MODEL]</c>), of one model or all.</summary>
        public async Task<IReadOnlyList<ModelConfiguration>> GetConfigurationsAsync(string? model, CancellationToken cancellationToken)
        {
            var args = new List<string> { "model", "configure", "show" };
            if (model != null) args.Add(ForDocker(model));
            var result = await RunCheckedAsync(args, model, cancellationToken).ConfigureAwait(false);
            return DockerModelJson.ParseConfigurations(result.StandardOutput);
        }

        /// <summary>Bytes the runner's models and its default inference engine use on disk (<c>docker model df</c>).</summary>
        public async Task<(long? Models, long? Engine)> GetDiskUsageAsync(CancellationToken cancellationToken)
        {
            var result = await RunCheckedAsync(new[] { "model", "df" }, null, cancellationToken).ConfigureAwait(false);
            long? models = null, engine = null;
            foreach (var row in CliTable.Parse(result.StandardOutput, "TYPE"))
            {
                long? size = ByteSize.Parse(Cell(row, "SIZE"));
                if (Cell(row, "TYPE") == "Models") models = size;
                else if (Cell(row, "TYPE") == "Inference engine") engine = size;
            }
            return (models, engine ?? (models is null ? null : 0));
        }

        /// <summary>
        /// The id (manifest digest) the registry holds for <paramref name="tag"/> now, as the runner sees it
        /// (<c>docker model inspect --remote</c>: its credentials, proxy and DEFAULT_REGISTRY apply; nothing is pulled).
        /// </summary>
        public async Task<string> GetRemoteIdAsync(string tag, CancellationToken cancellationToken)
        {
            var result = await RunCheckedAsync(new[] { "model", "inspect", "--remote", ForDocker(tag) }, tag, cancellationToken).ConfigureAwait(false);
            return DockerModelJson.ParseModelObject(result.StandardOutput).Id;
        }

        private static string? Cell(IReadOnlyDictionary<string, string> row, string column) =>
            row.TryGetValue(column, out var v) && v.Length > 0 ? v : null;
    }
}
