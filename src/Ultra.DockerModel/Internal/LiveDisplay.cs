namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Whether Invoke-LocalLlm shows the answer on the console as it is generated: only for a person at a console
    /// (console host, stdout not redirected) when the cmdlet is last in its pipeline and -Stream is not asked for.
    /// A script whose output is redirected gets nothing but the output objects.
    /// </summary>
    internal static class LiveDisplay
    {
        public static bool Applies(bool stream, string hostName, bool outputRedirected, bool userInteractive, int pipelinePosition, int pipelineLength) =>
            !stream && hostName == "ConsoleHost" && !outputRedirected && userInteractive && pipelinePosition == pipelineLength;

        /// <summary>The type name that selects the summary view: the text was already on screen.</summary>
        public const string DisplayedTypeName = "Ultra.DockerModel.LlmResponse#Displayed";
    }
}
