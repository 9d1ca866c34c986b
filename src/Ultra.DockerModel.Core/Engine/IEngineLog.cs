namespace Ultra.DockerModel.Engine
{
    /// <summary>llama.cpp's log lines that belong to one call; a cmdlet forwards them to -Verbose/-Debug on its pipeline thread.</summary>
    public interface IEngineLog
    {
        /// <summary>Called on engine threads (never the pipeline thread): queue, do not write.</summary>
        void Write(EngineLogLevel level, string message);
    }

    public enum EngineLogLevel
    {
        Debug,
        Info,
        Warning,
        Error,
    }
}
