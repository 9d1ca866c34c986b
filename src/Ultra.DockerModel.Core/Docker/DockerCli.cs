using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
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
    /// Runs <c>docker</c> from PATH: arguments as a list escaped by CliWrap (never a shell), stdin closed at once (the
    /// plugin reads a redirected stdin to its end), and the whole process tree killed on cancellation.
    /// </summary>
    public sealed class DockerCli
    {
        private static readonly UTF8Encoding Utf8 = new(false);
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
            var stdout = new MemoryStream();
            var (exit, stderr) = await ExecuteAsync(arguments, (s, t) => s.CopyToAsync(stdout, 81920, t), cancellationToken).ConfigureAwait(false);
            return new CliResult { ExitCode = exit, StandardOutput = Utf8.GetString(stdout.ToArray()), StandardError = stderr };
        }

        /// <summary>Runs with stdout handed line by line to <paramref name="onLine"/>; returns the exit code and stderr.</summary>
        public async Task<CliResult> RunLinesAsync(IReadOnlyList<string> arguments, Action<string> onLine, CancellationToken cancellationToken)
        {
            async Task ReadLines(Stream stdout, CancellationToken token)
            {
                using var reader = new StreamReader(stdout, Utf8, false, 4096, leaveOpen: true);
                string? line;
                while ((line = await reader.ReadLineAsync().WithCancellation(token).ConfigureAwait(false)) != null) onLine(line);
            }
            var (exit, stderr) = await ExecuteAsync(arguments, ReadLines, cancellationToken).ConfigureAwait(false);
            return new CliResult { ExitCode = exit, StandardError = stderr };
        }

        /// <summary>Runs with the raw stdout stream handed to <paramref name="readStdout"/> as it is produced.</summary>
        /// <param name="standardInput">Text written to stdin before it is closed (stdin is closed at once when null).</param>
        public async Task<CliResult> RunStreamAsync(IReadOnlyList<string> arguments, Func<Stream, CancellationToken, Task> readStdout,
            CancellationToken cancellationToken, string? standardInput = null)
        {
            var (exit, stderr) = await ExecuteAsync(arguments, readStdout, cancellationToken, standardInput).ConfigureAwait(false);
            return new CliResult { ExitCode = exit, StandardError = stderr };
        }

        // The process is run here rather than by CliWrap's ExecuteAsync: in CliWrap 3.10.5's netstandard2.0 build (the one
        // this module loads) that method waits through a polyfilled Task.WhenEach whose ManualResetValueTaskSourceCore
        // is not thread-safe, and under concurrent calls it can miss its wake-up and hang forever after the process has
        // exited (seen in the 16 x 100 load test). CliWrap still builds the argument string (its escaping, no shell).
        private async Task<(int ExitCode, string StandardError)> ExecuteAsync(IReadOnlyList<string> arguments,
            Func<Stream, CancellationToken, Task> readStdout, CancellationToken cancellationToken, string? standardInput = null)
        {
            var info = new ProcessStartInfo(Executable, Cli.Wrap(Executable).WithArguments(arguments).Arguments)
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var pair in _environment)
            {
                if (pair.Value is null) info.Environment.Remove(pair.Key);
                else info.Environment[pair.Key] = pair.Value;
            }
            using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => exited.TrySetResult(true);
            try
            {
                if (!process.Start()) throw new DockerNotInstalledException(Executable);
            }
            catch (Exception e) when (e is Win32Exception || e is FileNotFoundException)
            {
                throw new DockerNotInstalledException(Executable, e);
            }
            int pid = process.Id;
            if (process.HasExited) exited.TrySetResult(true);

            // Any failure below (a reader that throws, a cancellation) ends the whole tree: docker runs the plugin
            // as its child, and killing only docker would orphan it.
            using var panic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using (panic.Token.Register(() => ProcessTree.Kill(pid)))
            {
                var stdin = WriteStdinAsync(process.StandardInput, standardInput);
                var stderr = new MemoryStream();
                var stderrTask = process.StandardError.BaseStream.CopyToAsync(stderr, 81920, panic.Token);
                var stdoutTask = ReadAllAsync(process.StandardOutput.BaseStream, readStdout, panic.Token);
                try
                {
                    await stdoutTask.ConfigureAwait(false);
                    await stderrTask.ConfigureAwait(false);
                    await exited.Task.ConfigureAwait(false);
                    await stdin.ConfigureAwait(false);
                }
                catch (Exception) when (!panic.IsCancellationRequested)
                {
                    panic.Cancel();
                    await exited.Task.ConfigureAwait(false);
                    if (!cancellationToken.IsCancellationRequested) throw;
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    // the reader saw the cancellation first
                }
                if (cancellationToken.IsCancellationRequested)
                {
                    await exited.Task.ConfigureAwait(false);
                    throw new OperationCanceledException(cancellationToken);
                }
                process.WaitForExit(); // exit code and the end of the exit handling
                return (process.ExitCode, Utf8.GetString(stderr.ToArray()));
            }
        }

        // The consumer may stop reading early; the rest is drained so the child never blocks on a full pipe.
        private static async Task ReadAllAsync(Stream stdout, Func<Stream, CancellationToken, Task> readStdout, CancellationToken token)
        {
            await readStdout(stdout, token).ConfigureAwait(false);
            await stdout.CopyToAsync(Stream.Null, 81920, token).ConfigureAwait(false);
        }

        // Stdin is closed at once when there is no input: the plugin reads a redirected stdin to its end.
        private static async Task WriteStdinAsync(StreamWriter stdin, string? text)
        {
            try
            {
                if (text != null)
                {
                    byte[] bytes = Utf8.GetBytes(text);
                    await stdin.BaseStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                    await stdin.BaseStream.FlushAsync().ConfigureAwait(false);
                }
            }
            catch (IOException)
            {
                // The process ended before reading all of it (it failed early): its exit code and stderr tell why.
            }
            finally
            {
                try { stdin.Close(); }
                catch (IOException) { }
            }
        }
    }
}
