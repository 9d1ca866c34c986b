using System;

namespace Ultra.DockerModel
{
    /// <summary>The settings file is there and readable, but what it holds is not valid settings (SettingsInvalid).</summary>
    public sealed class SettingsCorruptException : DockerModelException
    {
        public SettingsCorruptException(string filePath, Exception cause)
            : base(ErrorKind.SettingsInvalid,
                $"The settings file '{filePath}' is not valid ({cause.Message}). Fix it by hand, or replace it with Set-LlmProviderFallback or " +
                "Clear-LlmProviderFallback (which keep the broken file beside it); it was left as it is.", null, cause)
        {
            FilePath = filePath;
        }

        public string FilePath { get; }
    }
}
