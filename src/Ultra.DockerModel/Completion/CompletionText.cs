using System.Linq;

namespace Ultra.DockerModel.Completion
{
    internal static class CompletionText
    {
        /// <summary>A name with a space or a character PowerShell reads specially goes in quotes, or the completed line breaks.</summary>
        public static string Quote(string name) =>
            name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':') && name[0] != '-'
                ? name
                : "'" + name.Replace("'", "''") + "'";
    }
}
