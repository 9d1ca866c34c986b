using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel
{
    /// <summary>The <c>docker model</c> commands this module uses, with typed results and typed errors.</summary>
    public sealed partial class DockerModelClient
    {
        private static readonly Regex Downloaded = new(@"^Downloaded\s+(?<cur>\S+)\s+of\s+(?<total>\S+)\s*$", RegexOptions.CultureInvariant);
        private static readonly Regex ClientVersion = new(@"^(?:Client:\s*\n\s*Version:\s*(?<v>\S+)|Docker Model Runner version\s+(?<v>\S+))", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        private static readonly Regex ServerVersion = new(@"Server:\s*\n\s*Version:\s*(?<v>[^\n]+)", RegexOptions.CultureInvariant);

        public DockerModelClient(DockerCli? cli = null) => Cli = cli ?? new DockerCli();

        public DockerCli Cli { get; }

        /// <summary>The installed models (<c>docker model ls --json</c>).</summary>
        public async Task<IReadOnlyList<LocalModel>> ListAsync(CancellationToken cancellationToken)
        {
            var result = await RunCheckedAsync(new[] { "model", "ls", "--json" }, null, cancellationToken).ConfigureAwait(false);
            return DockerModelJson.ParseModelList(result.StandardOutput);
        }

        /// <summary>One installed model (<c>docker model inspect</c>); throws <see cref="ModelNotFoundException"/>.</summary>
        public async Task<LocalModel> InspectAsync(string model, CancellationToken cancellationToken)
        {
            var result = await RunCheckedAsync(new[] { "model", "inspect", ForDocker(model) }, model, cancellationToken).ConfigureAwait(false);
            return DockerModelJson.ParseModelObject(result.StandardOutput);
        }

        /// <summary>Pulls a model, reporting each <c>Downloaded X of Y</c> line; returns the plugin's closing message.</summary>
        public async Task<string> PullAsync(string model, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
        {
            string reference = ForDocker(model);
            string last = "";
            var result = await Cli.RunLinesAsync(new[] { "model", "pull", reference }, line =>
            {
                line = DockerErrorClassifier.StripAnsi(line).Trim();
                if (line.Length == 0) return;
                var m = Downloaded.Match(line);
                if (m.Success)
                    progress?.Report(new PullProgress
                    {
                        Model = model,
                        DownloadedBytes = ByteSize.Parse(m.Groups["cur"].Value) ?? 0,
                        TotalBytes = ByteSize.Parse(m.Groups["total"].Value) ?? 0,
                        Message = line,
                    });
                else
                    last = line;
            }, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0) throw DockerErrorClassifier.Classify(result.StandardError, result.ExitCode, model);
            return last;
        }

        /// <summary>
        /// Carries out a <see cref="ModelRemoval"/> with <c>docker model rm</c>: <c>rm TAG</c> to untag one tag, or
        /// <c>rm --force ID</c> to delete the model with every tag (only by id does the runner delete a model that has
        /// several tags). Returns the <c>Untagged:</c>/<c>Deleted:</c> lines.
        /// </summary>
        public async Task<IReadOnlyList<string>> RemoveAsync(ModelRemoval removal, CancellationToken cancellationToken)
        {
            var model = removal.Model;
            string[] args = removal.UntagOnly
                ? new[] { "model", "rm", ForDocker(removal.Tag!) }
                : new[] { "model", "rm", "--force", ModelReference.Validate(model.Id.Length > 0 ? model.Id : model.Name) };
            InstalledModels.ForgetAll(); // by id, tag or untag: simplest to check again before the next CLI run
            var result = await RunCheckedAsync(args, removal.Tag ?? model.Name, cancellationToken).ConfigureAwait(false);
            return result.StandardOutput.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !DockerCliNoise.IsNoiseLine(l)).ToList();
        }

        /// <summary>
        /// The reference a docker command is given: validated, and normalized (<c>smollm2</c> is <c>ai/smollm2:latest</c>),
        /// because model-cli v0.1.42 (older Desktop CLIs) reads a name without '/' as an id and fails with
        /// "invalid model name: smollm2". Ids and digests go as they are.
        /// </summary>
        public static string ForDocker(string model) => ModelReference.Normalize(ModelReference.Validate(model));

        /// <summary>What is installed and running. Never throws for a missing docker, plugin or runner: it reports them.</summary>
        public async Task<ModelRunnerStatus> GetStatusAsync(CancellationToken cancellationToken)
        {
            // A probe must answer: a runner that hangs is reported, not waited on for ever.
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(StatusTimeout);
            var versionTask = TryRunAsync(new[] { "model", "version" }, probe.Token, cancellationToken);
            var statusTask = TryRunAsync(new[] { "model", "status", "--json" }, probe.Token, cancellationToken);
            var (version, versionError) = await versionTask.ConfigureAwait(false);
            var (status, statusError) = await statusTask.ConfigureAwait(false);

            if (versionError is DockerNotInstalledException)
                return new ModelRunnerStatus { Message = versionError.Message };
            if (versionError != null)
                return new ModelRunnerStatus { DockerInstalled = true, Message = versionError.Message };
            if (version!.ExitCode != 0)
            {
                var error = DockerErrorClassifier.Classify(version.StandardError, version.ExitCode);
                if (error is PluginMissingException)
                    return new ModelRunnerStatus { DockerInstalled = true, Message = error.Message };
            }
            string? clientVersion = ClientVersion.Match(version.StandardOutput) is { Success: true } cm ? cm.Groups["v"].Value : null;
            string? serverVersion = ServerVersion.Match(version.StandardOutput) is { Success: true } sm ? sm.Groups["v"].Value.Trim() : null;

            if (statusError != null || status!.ExitCode != 0)
            {
                var error = statusError ?? DockerErrorClassifier.Classify(status!.StandardError, status.ExitCode);
                return new ModelRunnerStatus
                {
                    DockerInstalled = true, PluginInstalled = true, ClientVersion = clientVersion, ServerVersion = serverVersion,
                    Message = error.Message,
                };
            }
            var s = DockerModelJson.ParseStatus(status.StandardOutput);
            return new ModelRunnerStatus
            {
                DockerInstalled = true,
                PluginInstalled = true,
                IsRunning = s.Running,
                Kind = s.Kind,
                Endpoint = s.Endpoint,
                EndpointHost = s.EndpointHost,
                Backends = s.Backends,
                ClientVersion = clientVersion,
                ServerVersion = serverVersion == "(not reachable)" ? null : serverVersion,
                Message = s.Running ? null : new RunnerNotRunningException("").Message,
            };
        }

        private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(20);

        private async Task<(CliResult? Result, DockerModelException? Error)> TryRunAsync(string[] args, CancellationToken probe, CancellationToken user)
        {
            try { return (await Cli.RunAsync(args, probe).ConfigureAwait(false), null); }
            catch (DockerModelException e) { return (null, e); }
            catch (OperationCanceledException) when (!user.IsCancellationRequested)
            {
                return (null, new RunnerUnreachableException($"'docker {string.Join(" ", args)}' did not answer within {StatusTimeout.TotalSeconds:0} s."));
            }
        }

        private async Task<CliResult> RunCheckedAsync(IReadOnlyList<string> args, string? model, CancellationToken cancellationToken)
        {
            var result = await Cli.RunAsync(args, cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0) throw DockerErrorClassifier.Classify(result.StandardError, result.ExitCode, model);
            return result;
        }
    }
}
