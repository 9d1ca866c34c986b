using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ultra.DockerModel.Engine
{
    /// <summary>
    /// Loads the embedded engine from its folder (the module's <c>embedded/</c>) on first use, into its own load context,
    /// once per process. Nothing here runs at Import-Module. A failure (old host, missing files, natives that cannot load)
    /// is kept and raised again, with the same reason, on every later use: the engine is never half-loaded.
    /// </summary>
    public sealed class EmbeddedEngineHost
    {
        public const string EngineAssembly = "Ultra.DockerModel.Embedded";
        public const string EngineType = "Ultra.DockerModel.Embedded.LlamaEngine";

        private static readonly Lazy<EmbeddedEngineHost> LazyDefault = new(() => new EmbeddedEngineHost(DefaultDirectory));
        private readonly object _gate = new();
        private volatile IEmbeddedEngine? _engine;
        private DockerModelException? _failure;

        public EmbeddedEngineHost(string directory) => Directory = directory;

        /// <summary>The engine next to this module: <c>&lt;module folder&gt;/embedded</c>.</summary>
        public static EmbeddedEngineHost Default => LazyDefault.Value;

        public static string DefaultDirectory =>
            Path.Combine(Path.GetDirectoryName(typeof(EmbeddedEngineHost).Assembly.Location) ?? ".", "embedded");

        public string Directory { get; }

        /// <summary>The engine if it has been loaded, else null (does not load it).</summary>
        public IEmbeddedEngine? Loaded => _engine;

        /// <summary>How long the first load took (load context, engine assembly, native libraries).</summary>
        public TimeSpan? LoadTime { get; private set; }

        /// <summary>The engine, loaded now if this is its first use. Throws EngineUnavailable with the reason.</summary>
        public IEmbeddedEngine GetEngine()
        {
            if (_engine is { } ready) return ready;
            lock (_gate)
            {
                if (_engine is { } loaded) return loaded;
                if (_failure != null) throw Again(_failure);
                var clock = Stopwatch.StartNew();
                try
                {
                    CheckHost();
                    string file = Path.Combine(Directory, EngineAssembly + ".dll");
                    if (!File.Exists(file))
                        throw Unavailable($"The embedded engine is not installed: '{file}' is missing. Reinstall the module (or build it with ./build.ps1).");
                    _engine = LoadIsolated(Directory, file);
                    LoadTime = clock.Elapsed;
                    return _engine;
                }
                catch (Exception e)
                {
                    _failure = e as DockerModelException ?? Unavailable($"The embedded engine could not be loaded: {Inner(e).Message}", e);
                    throw _failure;
                }
            }
        }

        private static void CheckHost()
        {
            // net10.0 engine: PowerShell 7.6 runs on .NET 10; 7.4/7.5 (.NET 8/9) and Windows PowerShell 5.1 cannot load it.
            if (Environment.Version.Major < 10)
                throw Unavailable($"The embedded engine needs PowerShell 7.6 or later (this session runs on {RuntimeInformation.FrameworkDescription}). " +
                    "Everything else in the module works here; use Docker Model Runner or another provider, or run PowerShell 7.6+.");
        }

        // Kept out of GetEngine so that a .NET Framework host never compiles a reference to AssemblyLoadContext.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IEmbeddedEngine LoadIsolated(string directory, string file) => EngineLoadContext.CreateEngine(directory, file, EngineType);

        private static Exception Inner(Exception e) => e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? Inner(inner) : e;

        private static DockerModelException Unavailable(string message, Exception? inner = null) =>
            inner is not null && Inner(inner) is DockerModelException typed ? typed : new(ErrorKind.EngineUnavailable, message, null, inner);

        private static DockerModelException Again(DockerModelException first) => new(first.Kind, first.Message, first.RawError, first);
    }
}
