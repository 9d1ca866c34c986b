using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using LLama.Native;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Embedded.Native
{
    /// <summary>
    /// Picks llama.cpp's native build for this machine from <c>runtimes/&lt;rid&gt;/native[/&lt;avx level&gt;]</c> next to
    /// the engine, loads it by full path BEFORE any LLamaSharp type is touched, and pins LLamaSharp to the same files.
    /// Why first: LLamaSharp's own loader swallows the reason a library fails (it only says "cannot be correctly loaded")
    /// and a failed static constructor poisons the process for good. Loading here first gets the OS's reason
    /// (missing VC++ runtime, glibc too old) and, on failure, leaves LLamaSharp untouched.
    /// </summary>
    internal static class NativeLibraries
    {
        /// <summary>The folder the natives were loaded from.</summary>
        public static string Load(string engineDirectory)
        {
            var (rid, folders) = Candidates(engineDirectory);
            string lib = Prefix + "llama" + Extension;
            string? folder = folders.FirstOrDefault(f => File.Exists(Path.Combine(f, lib)));
            if (folder is null)
                throw Unavailable($"The embedded engine has no native llama.cpp build for {rid} in '{Path.Combine(engineDirectory, "runtimes")}'. " +
                    "The module ships linux-x64, win-x64, osx-arm64 and osx-x64 (glibc; not musl/Alpine); reinstall it if this platform is one of them.");
            IntPtr llama = IntPtr.Zero;
            foreach (string name in Dependencies())
            {
                string path = Path.Combine(folder, Prefix + name + Extension);
                if (!File.Exists(path)) continue; // ggml-metal/ggml-blas exist on macOS only
                try
                {
                    llama = NativeLibrary.Load(path);
                }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    throw Unavailable(NativeLoadFailure.Explain(path, e.Message), e.Message, e);
                }
            }
            // Same files for LLamaSharp: its later loads by these full paths get the handles loaded above.
            NativeLibraryConfig.LLama.WithLibrary(Path.Combine(folder, lib));
            NativeLibraryConfig.All.WithLogCallback(LlamaLog.OnNativeLog);
            // The engine's own few imports (GrammarCheck) go to the same library.
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, (name, _, _) => name == "llama" ? llama : IntPtr.Zero);
            return folder;
        }

        private static string Prefix => OperatingSystem.IsWindows() ? "" : "lib";
        private static string Extension => OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";

        // Load order: each library after those it links to (Windows resolves them only from the loaded set or PATH).
        private static IEnumerable<string> Dependencies() => OperatingSystem.IsMacOS()
            ? new[] { "ggml-base", "ggml-cpu", "ggml-blas", "ggml-metal", "ggml", "llama" }
            : new[] { "ggml-base", "ggml-cpu", "ggml", "llama" };

        /// <summary>The platform's RID and its native folders, best first.</summary>
        private static (string Rid, IReadOnlyList<string> Folders) Candidates(string engineDirectory)
        {
            string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : RuntimeInformation.OSDescription;
            string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            if (os == "linux" && RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase)) os = "linux-musl";
            string rid = os + "-" + arch;
            string native = Path.Combine(engineDirectory, "runtimes", rid, "native");
            if (rid == "osx-x64") // no AVX: the Rosetta 2 build
                return (rid, Avx.IsSupported ? new[] { native, Path.Combine(native, "rosetta2") } : new[] { Path.Combine(native, "rosetta2") });
            if (rid is not ("win-x64" or "linux-x64")) return (rid, new[] { native });
            var levels = new List<string>();
            if (Avx512F.IsSupported) levels.Add("avx512");
            if (Avx2.IsSupported) levels.Add("avx2");
            if (Avx.IsSupported) levels.Add("avx");
            levels.Add("noavx");
            return (rid, levels.Select(l => Path.Combine(native, l)).ToList());
        }

        private static DockerModelException Unavailable(string message, string? raw = null, Exception? inner = null) =>
            new(ErrorKind.EngineUnavailable, message, raw, inner);
    }
}
