using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel.Templates
{
    /// <summary>
    /// A named prompt kept in the settings: text with {{placeholders}} ({{input}} is the piped text or -Prompt), an
    /// optional system prompt, and the options a call uses when it does not give its own.
    /// </summary>
    public sealed class PromptTemplate
    {
        public const string InputName = "input";
        private static readonly Regex NameRule = new(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z", RegexOptions.CultureInvariant);
        private static readonly Regex Placeholder = new(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", RegexOptions.CultureInvariant);

        public string Name { get; set; } = "";
        public string Prompt { get; set; } = "";
        public string? SystemPrompt { get; set; }
        public string? Model { get; set; }
        public float? Temperature { get; set; }
        public int? MaxTokens { get; set; }
        /// <summary>A JSON Schema the answer must match (as -Schema), as JSON text.</summary>
        public string? Schema { get; set; }
        public string? Description { get; set; }

        /// <summary>The placeholder names the prompt and system prompt use, {{input}} included, in order of appearance.</summary>
        public IReadOnlyList<string> Parameters =>
            Placeholder.Matches(Prompt + "\n" + SystemPrompt).Cast<Match>().Select(m => m.Groups[1].Value)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        /// <summary>Throws <see cref="DockerModelException"/> (SettingsInvalid) describing the first problem.</summary>
        public void Validate()
        {
            if (!NameRule.IsMatch(Name ?? ""))
                throw new DockerModelException(ErrorKind.SettingsInvalid,
                    $"'{Name}' is not a usable template name: letters, digits, '_', '.' and '-', starting with a letter or digit, at most 64.");
            if (string.IsNullOrWhiteSpace(Prompt))
                throw new DockerModelException(ErrorKind.SettingsInvalid, $"Template '{Name}' needs a prompt (for example 'Summarize in {{{{lang}}}}: {{{{input}}}}').");
            if (Temperature is < 0 or > 2) throw new DockerModelException(ErrorKind.SettingsInvalid, $"Template '{Name}': Temperature must be between 0 and 2.");
            if (MaxTokens is <= 0) throw new DockerModelException(ErrorKind.SettingsInvalid, $"Template '{Name}': MaxTokens must be positive.");
        }

        /// <summary>
        /// The prompt and system prompt with every placeholder filled. {{input}} is <paramref name="input"/>; a prompt
        /// without {{input}} gets the input after it (as `llm` does). A value that is missing is an error naming all of
        /// them, raised before any request.
        /// </summary>
        public (string Prompt, string? SystemPrompt) Render(IReadOnlyDictionary<string, string> values, string? input)
        {
            var given = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var kv in values) given[kv.Key] = kv.Value;
            if (!string.IsNullOrEmpty(input)) given[InputName] = input!;
            var missing = Parameters.Where(p => !given.ContainsKey(p)).ToList();
            if (missing.Count > 0)
            {
                string names = string.Join(", ", missing.Select(m => "{{" + m + "}}"));
                string hint = missing.Any(m => !m.Equals(InputName, StringComparison.OrdinalIgnoreCase))
                    ? " Pass -TemplateParameter @{ " + string.Join("; ", missing.Where(m => !m.Equals(InputName, StringComparison.OrdinalIgnoreCase)).Select(m => m + " = '...'")) + " }"
                    : "";
                if (missing.Any(m => m.Equals(InputName, StringComparison.OrdinalIgnoreCase))) hint += (hint.Length > 0 ? ", and" : "") + " pipe text in or give -Prompt for {{input}}";
                throw new DockerModelException(ErrorKind.InvalidInvocation, $"Template '{Name}' needs a value for {names}.{hint}.");
            }
            string Fill(string text) => Placeholder.Replace(text, m => given[m.Groups[1].Value]);
            string prompt = Fill(Prompt);
            bool usesInput = Parameters.Any(p => p.Equals(InputName, StringComparison.OrdinalIgnoreCase));
            if (!usesInput && !string.IsNullOrEmpty(input)) prompt += "\n\n" + input;
            return (prompt, SystemPrompt is null ? null : Fill(SystemPrompt));
        }

        public override string ToString() => Name;
    }
}
