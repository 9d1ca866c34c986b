using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Commands
{
    internal static class SavedSettings
    {
        /// <summary>The settings; a file that cannot be read leaves the defaults and a chain that says why (the policy decides whether the call needs it).</summary>
        public static (ModuleSettings Settings, SavedChain Saved) Load()
        {
            try
            {
                var settings = new SettingsStore().Load();
                return (settings, new SavedChain(settings.Providers));
            }
            catch (DockerModelException e) when (e.Kind == ErrorKind.SettingsInvalid)
            {
                return (new ModuleSettings(), SavedChain.Unreadable(e));
            }
        }
    }
}
