using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Where this session has seen the model runner installed. On Docker Engine the CLI installs the runner container
    /// before the first runner-dependent command and says so on stdout (<see cref="DockerCliNoise"/>); once such a
    /// command has succeeded the container exists, so later answers need no holding back. Keyed by the variables that
    /// choose the engine and the runner, since a script may change them between calls.
    /// Thread-safe: one instance per <see cref="DockerCli"/>, shared by every runspace using it; entries are only added.
    /// </summary>
    public sealed class RunnerInstallState
    {
        // The commands that make sure of the runner first (withStandaloneRunner; run does it itself).
        private static readonly HashSet<string> RunnerCommands = new(StringComparer.Ordinal)
        {
            "status", "pull", "push", "list", "ls", "logs", "rm", "inspect", "show", "tag", "configure", "config", "ps", "df",
            "unload", "stop", "requests", "purge", "bench", "run", "package",
        };
        private static readonly string[] EndpointVariables = { "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "MODEL_RUNNER_HOST" };
        private readonly ConcurrentDictionary<string, bool> _installed = new(StringComparer.Ordinal);

        /// <summary>Whether a runner command has succeeded against the endpoint <paramref name="cli"/> now points to.</summary>
        public bool IsKnownInstalled(DockerCli cli) => _installed.ContainsKey(EndpointKey(cli));

        /// <summary>Records a finished docker command: a runner command that succeeded means the runner is installed.</summary>
        internal void Observe(DockerCli cli, IReadOnlyList<string> arguments, int exitCode)
        {
            if (exitCode == 0 && arguments.Count > 1 && arguments[0] == "model" && RunnerCommands.Contains(arguments[1]))
                _installed.TryAdd(EndpointKey(cli), true);
        }

        private static string EndpointKey(DockerCli cli) => string.Join("\n", EndpointVariables.Select(v => cli.EnvironmentValue(v) ?? ""));
    }
}
