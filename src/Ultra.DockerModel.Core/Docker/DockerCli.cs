using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

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
    /// Runs <c>docker</c> from PATH with System.Diagnostics.Process: arguments as a list (never a shell), stdin closed at
    /// once (the plugin reads a redirected stdin to its end), and the whole process tree killed on cancellation.
    /// </summary>
    /// <remarks>
    /// Not CliWrap: its netstandard2.0 build (the one this netstandard2.0 module loads) awaits the process and its pipes
    /// through a polyfilled ManualResetValueTaskSourceCore whose lazily created TaskCompletionSource is not thread-safe,
    /// so a pipe and the process finishing at the same moment could lose the wake-up and hang the call for ever
    /// (seen with 8 parallel Invoke-LocalLlm on 2 cores; see docs/benchmarks.md). This class needs only plain tasks.
    /// </remarks>
    public sealed class DockerCli
    {
        private static readonly UTF8Encoding Utf8 = new(false);
        // ProcessStartInfo.ArgumentList (.NET Core 2.1+, so pwsh 7) passes each argument untouched; netstandard2.0 does not
        // show it, and Windows PowerShell 5.1 does not have it, where the arguments are quoted into one command line.
        private static readonly PropertyInfo? ArgumentListProperty = typeof(ProcessStartInfo).GetProperty("ArgumentList");
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

        /// <summary>Where a runner command has succeeded, so the CLI's auto-install preamble cannot come any more.</summary>
        public RunnerInstallState Runner { get; } = new();

        /// <summary>A variable as the child process sees it: this client's override, else the current environment.</summary>
        public string? EnvironmentValue(string name) =>
            _environment.TryGetValue(name, out string? value) ? value : Environment.GetEnvironmentVariable(name);

        /// <summary>Runs to the end and returns both streams as text.</summary>
        public async Task<CliResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
        {
            string stdout = "";
            var (exit, stderr) = await ExecuteAsync(arguments, async (stream, _) => stdout = await ReadAllAsync(stream).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return new CliResult { ExitCode = exit, StandardOutput = stdout, StandardError = stderr };
        }

        /// <summary>Runs with stdout handed line by line to <paramref name="onLine"/>; returns the exit code and stderr.</summary>
        public async Task<CliResult> RunLinesAsync(IReadOnlyList<string> arguments, Action<string> onLine, CancellationToken cancellationToken)
        {
            var (exit, stderr) = await ExecuteAsync(arguments, async (stream, _) =>
            {
                using var reader = new StreamReader(stream, Utf8);
                string? line;
                while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) != null) onLine(line);
            }, cancellationToken).ConfigureAwait(false);
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

        private static async Task<string> ReadAllAsync(Stream stream)
        {
            using var reader = new StreamReader(stream, Utf8);
            return await reader.ReadToEndAsync().ConfigureAwait(false);
        }

        private async Task<(int ExitCode, string StandardError)> ExecuteAsync(IReadOnlyList<string> arguments, Func<Stream, CancellationToken, Task> readStdout,
            CancellationToken cancellationToken, string? standardInput = null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var process = new Process { StartInfo = StartInfo(arguments), EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => exited.TrySetResult(true);
            try
            {
                process.Start();
            }
            catch (Exception e) when (e is Win32Exception || e is FileNotFoundException || e.InnerException is Win32Exception)
            {
                process.Dispose();
                throw new DockerNotInstalledException(Executable, e);
            }
            int pid = process.Id;

            var stdin = WriteStdinAsync(process, standardInput);
            var stderr = ReadAllAsync(process.StandardError.BaseStream);
            var stdout = ReadStdoutAsync(process, readStdout, cancellationToken);
            var all = Task.WhenAll(stdin, stdout, stderr, exited.Task);

            // Kill the tree ourselves: docker runs the plugin as a child, and killing only docker would orphan it.
            using (cancellationToken.Register(() => ProcessTree.Kill(pid)))
            {
                try
                {
                    // Do not wait on the pipes once cancelled: an orphan holding them open must not hang the caller.
                    await all.WithCancellation(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    // Release the handles once the killed tree is gone, and observe its late pipe errors.
                    _ = all.ContinueWith(t => { _ = t.Exception; process.Dispose(); }, CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    throw new OperationCanceledException(cancellationToken);
                }
                catch (Exception)
                {
                    process.Dispose();
                    throw;
                }
            }
            using (process)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Runner.Observe(this, arguments, process.ExitCode);
                return (process.ExitCode, await stderr.ConfigureAwait(false));
            }
        }

        private static async Task ReadStdoutAsync(Process process, Func<Stream, CancellationToken, Task> readStdout, CancellationToken cancellationToken)
        {
            var stream = process.StandardOutput.BaseStream;
            int pid = process.Id;
            try
            {
                await readStdout(stream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A reader that gives up (or fails) must not leave the child blocked on a full pipe: kill it (the caller
                // sees the exception once the process is gone).
                ProcessTree.Kill(pid);
                throw;
            }
            finally
            {
                // Closing our end means a child that still writes gets EPIPE instead of blocking.
                stream.Dispose();
            }
        }

        private static async Task WriteStdinAsync(Process process, string? text)
        {
            var stream = process.StandardInput.BaseStream;
            try
            {
                if (text != null)
                {
                    byte[] bytes = Utf8.GetBytes(text);
                    await stream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
                    await stream.FlushAsync().ConfigureAwait(false);
                }
            }
            catch (IOException)
            {
                // The process ended without reading all of it (broken pipe): nothing to deliver any more.
            }
            finally
            {
                try { stream.Dispose(); } catch (IOException) { }
            }
        }

        private ProcessStartInfo StartInfo(IReadOnlyList<string> arguments)
        {
            var psi = new ProcessStartInfo(Executable)
            {
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            if (ArgumentListProperty?.GetValue(psi) is Collection<string> list)
                foreach (string a in arguments) list.Add(a);
            else
                psi.Arguments = CommandLine.Join(arguments);
            foreach (var pair in _environment)
            {
                if (pair.Value is null) psi.Environment.Remove(pair.Key);
                else psi.Environment[pair.Key] = pair.Value;
            }
            return psi;
        }
    }

    /// <summary>Quotes arguments into one command line that CommandLineToArgvW (and .NET's own parser) splits back exactly.</summary>
    internal static class CommandLine
    {
        public static string Join(IReadOnlyList<string> arguments)
        {
            var sb = new StringBuilder();
            foreach (string a in arguments)
            {
                if (sb.Length > 0) sb.Append(' ');
                Append(sb, a);
            }
            return sb.ToString();
        }

        private static void Append(StringBuilder sb, string argument)
        {
            if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0)
            {
                sb.Append(argument);
                return;
            }
            sb.Append('"');
            int i = 0;
            while (i < argument.Length)
            {
                int backslashes = 0;
                while (i < argument.Length && argument[i] == '\\') { backslashes++; i++; }
                if (i == argument.Length)
                {
                    sb.Append('\\', backslashes * 2); // before the closing quote
                    break;
                }
                if (argument[i] == '"')
                {
                    sb.Append('\\', backslashes * 2 + 1).Append('"');
                }
                else
                {
                    sb.Append('\\', backslashes).Append(argument[i]);
                }
                i++;
            }
            sb.Append('"');
        }
    }
}
