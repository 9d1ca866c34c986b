using System;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Makes Import-Module fail at once, with one sentence, on a PowerShell the module cannot serve: PowerShell 7.0 to
    /// 7.3 run on .NET Core 3.1 to .NET 7, whose System.Text.Json is older than the 8.0 the module is built against, so
    /// every call would fail later with an assembly-load error. Windows PowerShell 5.1 (.NET Framework) uses the
    /// module's own copies and is let through.
    /// </summary>
    public sealed class ModuleImportGuard : IModuleAssemblyInitializer
    {
        /// <summary>The oldest .NET a PowerShell 7 host may run on (PowerShell 7.4).</summary>
        internal const int OldestDotNet = 8;

        public void OnImport()
        {
            string? refusal = Refusal(RuntimeInformation.FrameworkDescription, Environment.Version, PowerShellVersion());
            if (refusal != null) throw new PlatformNotSupportedException(refusal);
        }

        /// <summary>Null when the module can serve this host; otherwise the sentence Import-Module fails with.</summary>
        internal static string? Refusal(string frameworkDescription, Version runtime, string powerShellVersion)
        {
            if (frameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)) return null;
            if (runtime.Major >= OldestDotNet) return null;
            return $"Ultra.DockerModel needs PowerShell 7.4 or later (on .NET {OldestDotNet} or later) or Windows PowerShell 5.1, " +
                   $"and this is PowerShell {powerShellVersion} on {frameworkDescription}.";
        }

        // "7.2.24 SHA: ..." from System.Management.Automation, as $PSVersionTable.PSVersion shows it.
        private static string PowerShellVersion()
        {
            var assembly = typeof(PSObject).Assembly;
            string? informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return informational?.Split(' ')[0] ?? assembly.GetName().Version?.ToString() ?? "?";
        }
    }
}
