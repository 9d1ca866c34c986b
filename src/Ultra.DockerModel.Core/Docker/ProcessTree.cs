using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Ultra.DockerModel
{
    /// <summary>Kills a process and everything it started (docker starts the model plugin as its child).</summary>
    internal static class ProcessTree
    {
        // Process.Kill(bool entireProcessTree) exists on .NET Core 3+ (pwsh 7) but not in netstandard2.0's surface.
        private static readonly MethodInfo? KillTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

        public static void Kill(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                if (KillTree != null)
                {
                    KillTree.Invoke(process, new object[] { true });
                    return;
                }
                // Windows PowerShell 5.1 (.NET Framework): taskkill knows the tree.
                if (Path.DirectorySeparatorChar == '\\')
                {
                    using var taskkill = Process.Start(new ProcessStartInfo("taskkill", $"/T /F /PID {pid}") { CreateNoWindow = true, UseShellExecute = false });
                    taskkill?.WaitForExit(5000);
                    return;
                }
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException || e is InvalidOperationException || e is TargetInvocationException || e is System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }
}
