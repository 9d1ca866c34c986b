using System;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Engine
{
    /// <summary>The embedded engine's options from the saved settings, with a call's own thread count on top.</summary>
    public static class EngineSettings
    {
        public static EngineOptions From(ModuleSettings settings, int? threads = null) => new()
        {
            MaxContextSize = settings.EmbeddedContextSize,
            Threads = threads ?? settings.EmbeddedThreads,
            IdleTimeout = TimeSpan.FromSeconds(settings.EmbeddedIdleSec),
        };
    }
}
