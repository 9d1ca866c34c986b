using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Settings;

namespace Ultra.DockerModel.Completion
{
    internal static class CompletionText
    {
        /// <summary>A name with a space or a character PowerShell reads specially goes in quotes, or the completed line breaks.</summary>
        public static string Quote(string name) =>
            name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':') && name[0] != '-'
                ? name
                : "'" + name.Replace("'", "''") + "'";

        /// <summary>Completions from a list in the settings file (a local file read: no time-out needed); none when it cannot be read.</summary>
        public static IEnumerable<CompletionResult> FromSettings<T>(Func<ModuleSettings, IEnumerable<T>> list, Func<T, string> name, Func<T, string> tooltip, string? word)
        {
            IEnumerable<T> items;
            try { items = list(new SettingsStore().Load()); }
            catch (DockerModelException) { items = Enumerable.Empty<T>(); }
            var pattern = new WildcardPattern((word ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return items.Where(i => pattern.IsMatch(name(i)))
                .Select(i => new CompletionResult(Quote(name(i)), name(i), CompletionResultType.ParameterValue, tooltip(i)));
        }
    }
}
