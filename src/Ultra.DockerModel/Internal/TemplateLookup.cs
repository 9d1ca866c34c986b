using System;
using System.Linq;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Templates;

namespace Ultra.DockerModel.Commands
{
    internal static class TemplateLookup
    {
        public static DockerModelException NotFound(string name) => new(ErrorKind.TemplateNotFound,
            $"There is no prompt template named '{name}'. See Get-LlmPromptTemplate for the saved ones, or create it with Set-LlmPromptTemplate.");

        /// <summary>The saved template with this name (case-insensitive), or TemplateNotFound.</summary>
        public static PromptTemplate Find(ModuleSettings settings, string name) =>
            settings.Templates.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) ?? throw NotFound(name);
    }
}
