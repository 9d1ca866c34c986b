using System.Management.Automation;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Remove-Module: the embedded engine's loaded models are released and their memory freed (the engine itself stays loaded: native code cannot be unloaded).</summary>
    public sealed class ModuleCleanup : IModuleAssemblyCleanup
    {
        public void OnRemove(PSModuleInfo psModuleInfo) => EmbeddedEngineHost.Default.Loaded?.Unload();
    }
}
