using System;

namespace Ultra.DockerModel.Embedded.Native
{
    /// <summary>Turns the OS loader's message for a native library that would not load into what the user must do.</summary>
    internal static class NativeLoadFailure
    {
        public static string Explain(string path, string osMessage)
        {
            string lead = $"The embedded engine's native library '{path}' could not be loaded";
            if (OperatingSystem.IsWindows())
                return lead + ". llama.cpp needs the Microsoft Visual C++ 2015-2022 x64 redistributable (vcruntime140, msvcp140, " +
                    "vcomp140): install it from https://aka.ms/vs/17/release/vc_redist.x64.exe and start a new PowerShell. " +
                    $"Windows said: {osMessage.Trim()}";
            if (osMessage.Contains("GLIBC", StringComparison.Ordinal) || osMessage.Contains("GLIBCXX", StringComparison.Ordinal))
                return lead + ": this Linux's C library is too old (llama.cpp's build needs glibc 2.34 and libstdc++ GLIBCXX_3.4.29, " +
                    $"i.e. Ubuntu 22.04, Debian 12, RHEL 9 or later). The loader said: {osMessage.Trim()}";
            if (osMessage.Contains("libgomp", StringComparison.Ordinal))
                return lead + ": the OpenMP runtime is missing (install libgomp1, e.g. 'sudo apt-get install libgomp1'). " +
                    $"The loader said: {osMessage.Trim()}";
            if (OperatingSystem.IsMacOS())
                return lead + $" (llama.cpp's macOS build needs macOS 14 or later). The loader said: {osMessage.Trim()}";
            return lead + $": {osMessage.Trim()}";
        }
    }
}
