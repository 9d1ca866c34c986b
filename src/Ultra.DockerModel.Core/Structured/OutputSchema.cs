using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.Extensions.AI;

namespace Ultra.DockerModel.Structured
{
    /// <summary>
    /// What shape an answer must have: a JSON Schema (from JSON text or a .NET type), or any JSON object (-AsJson).
    /// Built before any request, so a schema that is not valid JSON is a clear error that costs nothing.
    /// </summary>
    public sealed class OutputSchema
    {
        private static readonly Regex NameRule = new("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant);
        private JsonSchema? _validator;

        private OutputSchema(string? json, string name, Type? type)
        {
            Json = json;
            Name = name;
            TargetType = type;
        }

        /// <summary>Any JSON object will do (<c>response_format: json_object</c>).</summary>
        public static OutputSchema AnyObject { get; } = new(null, "response", null);

        /// <summary>The schema as compact JSON text; null for <see cref="AnyObject"/>.</summary>
        public string? Json { get; }

        /// <summary>The <c>json_schema.name</c> sent to OpenAI-compatible servers (letters, digits, _ and - only).</summary>
        public string Name { get; }

        /// <summary>The type the answer becomes, when the schema was made from one.</summary>
        public Type? TargetType { get; }

        /// <summary>A schema from JSON text; its <c>title</c>, when usable, names it.</summary>
        public static OutputSchema Parse(string json) => Parse(json, null);

        internal static OutputSchema Parse(string json, Type? type, string? name = null)
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(json);
            }
            catch (JsonException e)
            {
                throw new DockerModelException(ErrorKind.InvalidInvocation, $"The schema is not valid JSON: {e.Message}");
            }
            if (root is not JsonObject schemaObject)
                throw new DockerModelException(ErrorKind.InvalidInvocation, "The schema must be a JSON object (for example @{ type = 'object'; properties = @{ ... } }).");
            ListsWhereListsGo(schemaObject, false);
            if (name is null && schemaObject["title"] is JsonValue title && title.TryGetValue(out string? titleText))
                name = titleText;
            var schema = new OutputSchema(schemaObject.ToJsonString(), name != null && NameRule.IsMatch(name) ? name : "response", type);
            schema.Validator(); // a schema the validator cannot read fails here, before any request
            return schema;
        }

        // Keywords whose members are names (of properties, definitions), each naming a schema; and keywords holding data.
        private static readonly string[] NameMaps = { "properties", "patternProperties", "$defs", "definitions", "dependentSchemas" };
        private static readonly string[] DataKeywords = { "const", "default", "examples", "enum" };

        /// <summary>
        /// <c>required</c> and <c>enum</c> always take a list, but PowerShell makes a list of one its item
        /// (<c>required = 'number'</c> is a string): such a lone value becomes a list of one, as the user meant.
        /// </summary>
        private static void ListsWhereListsGo(JsonNode? node, bool namesHere)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var member in o.ToList())
                    {
                        if (!namesHere && (member.Key == "required" || member.Key == "enum") && member.Value is JsonValue lone)
                        {
                            o.Remove(member.Key);
                            o[member.Key] = new JsonArray(lone);
                        }
                        else if (namesHere || !DataKeywords.Contains(member.Key))
                            ListsWhereListsGo(member.Value, !namesHere && NameMaps.Contains(member.Key));
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a) ListsWhereListsGo(item, false);
                    break;
            }
        }

        /// <summary>A schema whose properties are the public properties of <paramref name="type"/> (see <see cref="SchemaFromType"/>).</summary>
        public static OutputSchema FromType(Type type, Func<System.Reflection.PropertyInfo, bool>? skip = null) =>
            Parse(SchemaFromType.Generate(type, skip), type, Regex.Replace(type.Name, "[^A-Za-z0-9_-]", "_"));

        /// <summary>How Microsoft.Extensions.AI carries it to a chat client (OpenAI-compatible or the embedded engine).</summary>
        public ChatResponseFormat ToResponseFormat()
        {
            if (Json is null) return ChatResponseFormat.Json;
            using var doc = JsonDocument.Parse(Json);
            return ChatResponseFormat.ForJsonSchema(doc.RootElement.Clone(), Name);
        }

        internal JsonSchema Validator()
        {
            if (_validator != null || Json is null) return _validator!;
            try
            {
                return _validator = JsonSchema.FromText(Json);
            }
            catch (Exception e) when (e is JsonException || e is ArgumentException || e is InvalidOperationException)
            {
                throw new DockerModelException(ErrorKind.InvalidInvocation, $"The schema is not a JSON Schema this module can check answers against: {e.Message}");
            }
        }

        public override string ToString() => Json ?? "{\"type\":\"object\"}";
    }
}
