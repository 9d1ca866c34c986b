using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CliWrap;

namespace Ultra.DockerModel
{
    /// <summary>The finished run of a <c>docker</c> command.</summary>
    public sealed class CliResult
    {
        public int ExitCode { get; init; }
        public string StandardOutput { get; init; } = "";
        public string StandardError { get; init; } = "";
    }

    /// <summary>
    /// Runs <c>docker</c> from PATH through CliWrap: arguments as a list (never a shell), stdin closed at once (the
    /// plugin reads a redirected stdin to its end), and the whole process tree killed on cancellation.
    /// </summary>
    public sealed class DockerCli
    {
        private readonly IReadOnlyDictionary<string, string?> _environment;

        /// <param name="executable">The docker client; <c>docker</c> resolves through PATH as on a user's machine.</param>
        /// <param name="environment">Variables added to the child's environment (null removes one).</param>
        public DockerCli(string executable = "docker", IReadOnlyDictionary<string, string?>? environment = null)
        {
            Executable = executable;
            _environment = environment ?? new Dictionary<string, string?>();
        }

        public string Executable { get; }

        /// <summary>Set once this client's <c>docker model run</c> rejected <c>--color</c> (a CLI older than 2025-09).</summary>
        internal bool RunRejectsColorFlag { get; set; }

        /// <summary>Runs to the end and returns both streams as text.</summary>
        public async Task<CliResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
        {
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            int exit = await ExecuteAsync(arguments, PipeTarget.ToStringBuilder(stdout, Encoding.UTF8),
                PipeTarget.ToStringBuilder(stderr, Encoding.UTF8), cancellationToken).ConfigureAwait(false);
            return new CliResult { ExitCode = exit, StandardOutput = stdout.ToString(), StandardError = stderr.ToString() };
        }

        /// <summary>Runs with stdout handed line by line to <paramref name="onLine"/>; returns the exit code and stderr.</summary>
        public async Task<CliResult> RunLinesAsync(IReadOnlyList<string> arguments, Action<string> onLine, CancellationToken cancellationToken)
        {
            var stderr = new StringBuilder();
            int exit = await ExecuteAsync(arguments, PipeTarget.ToDelegate(onLine, Encoding.UTF8),
                PipeTarget.ToStringBuilder(stderr, Encoding.UTF8), cancellationToken).ConfigureAwait(false);
            return new CliResult { ExitCode = exit, StandardError = stderr.ToString() };
        }

        /// <summary>Runs with the raw stdout stream handed to <paramref name="readStdout"/> as it is produced.</summary>
        /// <param name="standardInput">Text written to stdin before it is closed (stdin is closed at once when null).</param>
        public async Task<CliResult> RunStreamAsync(IReadOnlyList<string> arguments, Func<Stream, CancellationToken, Task> readStdout,
            CancellationToken cancellationToken, string? standardInput = null)
        {
            var stderr = new StringBuilder();
            int exit = await ExecuteAsync(arguments, PipeTarget.Create(readStdout),
                PipeTarget.ToStringBuilder(stderr, Encoding.UTF8), cancellationToken, standardInput).ConfigureAwait(false);
            return new CliResult { ExitCode = exit, StandardError = stderr.ToString() };
        }

        private async Task<int> ExecuteAsync(IReadOnlyList<string> arguments, PipeTarget stdout, PipeTarget stderr, CancellationToken cancellationToken,
            string? standardInput = null)
        {
            var command = Cli.Wrap(Executable)
                .WithArguments(arguments)
                .WithEnvironmentVariables(_environment)
                .WithStandardInputPipe(standardInput is null ? PipeSource.Null : PipeSource.FromString(standardInput, new UTF8Encoding(false)))
                .WithStandardOutputPipe(stdout)
                .WithStandardErrorPipe(stderr)
                .WithValidation(CommandResultValidation.None);
            CommandTask<CommandResult> task;
            try
            {
                task = command.ExecuteAsync(CancellationToken.None, CancellationToken.None);
            }
            catch (Exception e) when (e is Win32Exception || e is FileNotFoundException || e.InnerException is Win32Exception)
            {
                throw new DockerNotInstalledException(Executable, e);
            }

            // Kill the tree ourselves: docker runs the plugin as a child, and killing only docker would orphan it.
            using (cancellationToken.Register(() => ProcessTree.Kill(task.ProcessId)))
            {
                try
                {
                    // Do not wait on the pipes once cancelled: an orphan holding them open must not hang the caller.
                    var result = await task.Task.WithCancellation(cancellationToken).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    return result.ExitCode;
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }
    }
}
