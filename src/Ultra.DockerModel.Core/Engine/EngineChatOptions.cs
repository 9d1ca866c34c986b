using Microsoft.Extensions.AI;

namespace Ultra.DockerModel.Engine
{
    /// <summary>Engine-only request settings that ChatOptions has no field for, carried in its AdditionalProperties.</summary>
    public static class EngineChatOptions
    {
        /// <summary>A GBNF grammar (llama.cpp's format) that every generated token must fit.</summary>
        public const string GrammarKey = "Ultra.DockerModel.Gbnf";
        /// <summary>The grammar's start rule; "root" when absent.</summary>
        public const string GrammarRootKey = "Ultra.DockerModel.GbnfRoot";

        /// <summary>Constrains generation to <paramref name="gbnf"/> (e.g. a JSON grammar for structured output).</summary>
        public static ChatOptions SetGrammar(this ChatOptions options, string gbnf, string root = "root")
        {
            options.AdditionalProperties ??= new AdditionalPropertiesDictionary();
            options.AdditionalProperties[GrammarKey] = gbnf;
            options.AdditionalProperties[GrammarRootKey] = root;
            return options;
        }

        public static string? Grammar(this ChatOptions? options, out string root)
        {
            root = options?.AdditionalProperties?.TryGetValue(GrammarRootKey, out var r) == true && r is string s ? s : "root";
            return options?.AdditionalProperties?.TryGetValue(GrammarKey, out var g) == true ? g as string : null;
        }
    }
}
