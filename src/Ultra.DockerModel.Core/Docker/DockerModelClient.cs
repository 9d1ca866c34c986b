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
            ModelReference.Validate(model);
            var result = await RunCheckedAsync(new[] { "model", "inspect", model }, model, cancellationToken).ConfigureAwait(false);
            return DockerModelJson.ParseModelObject(result.StandardOutput);
        }

        /// <summary>Pulls a model, reporting each <c>Downloaded X of Y</c> line; returns the plugin's closing message.</summary>
        public async Task<string> PullAsync(string model, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
        {
            ModelReference.Validate(model);
            string last = "";
            var result = await Cli.RunLinesAsync(new[] { "model", "pull", model }, line =>
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

        /// <summary>Removes a model (<c>docker model rm</c>); returns the <c>Untagged:</c>/<c>Deleted:</c> lines.</summary>
        public async Task<IReadOnlyList<string>> RemoveAsync(string model, bool force, CancellationToken cancellationToken)
        {
            ModelReference.Validate(model);
            var args = force ? new[] { "model", "rm", "--force", model } : new[] { "model", "rm", model };
            InstalledModels.ForgetAll(); // by id, tag or untag: simplest to check again before the next CLI run
            var result = await RunCheckedAsync(args, model, cancellationToken).ConfigureAwait(false);
            return result.StandardOutput.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !DockerCliNoise.IsNoiseLine(l)).ToList();
        }

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
