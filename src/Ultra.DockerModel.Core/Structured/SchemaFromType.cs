using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ultra.DockerModel.Structured
{
    /// <summary>
    /// A JSON Schema from a .NET type (a C# class or a PowerShell class, which is a .NET type too): each public
    /// readable and writable instance property becomes a required property of its JSON type; nested classes become
    /// nested objects, lists arrays, enums string enums, dictionaries objects. Extra properties are refused
    /// (<c>additionalProperties: false</c>), which is also what OpenAI's strict mode asks for.
    /// </summary>
    public static class SchemaFromType
    {
        private const int MaxDepth = 8;

        /// <param name="skip">Properties to leave out (the cmdlet layer passes PowerShell's <c>hidden</c> ones).</param>
        public static string Generate(Type type, Func<PropertyInfo, bool>? skip = null)
        {
            var node = Describe(type, skip, new HashSet<Type>(), 0);
            if (node["type"]?.GetValue<string>() != "object")
                throw new DockerModelException(ErrorKind.InvalidInvocation,
                    $"A schema type must be a class with properties; [{type.FullName}] is not (use a hashtable or JSON schema for other shapes).");
            return node.ToJsonString();
        }

        private static JsonObject Describe(Type type, Func<PropertyInfo, bool>? skip, HashSet<Type> open, int depth)
        {
            var underlying = Nullable.GetUnderlyingType(type);
            if (underlying != null) return Describe(underlying, skip, open, depth);
            if (type == typeof(string) || type == typeof(char)) return Type("string");
            if (type == typeof(bool)) return Type("boolean");
            if (type == typeof(byte) || type == typeof(sbyte) || type == typeof(short) || type == typeof(ushort)
                || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong)
                || type == typeof(System.Numerics.BigInteger))
                return Type("integer");
            if (type == typeof(float) || type == typeof(double) || type == typeof(decimal)) return Type("number");
            if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) return Format("date-time");
            if (type == typeof(Guid)) return Format("uuid");
            if (type == typeof(Uri)) return Format("uri");
            if (type == typeof(TimeSpan)) return Type("string");
            if (type.IsEnum)
                return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(Enum.GetNames(type).Select(n => (JsonNode)n!).ToArray()) };
            if (type == typeof(object) || typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonElement)) return new JsonObject();

            if (DictionaryValue(type) is Type value)
                return new JsonObject { ["type"] = "object", ["additionalProperties"] = Describe(value, skip, open, depth + 1) };
            if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
                return new JsonObject { ["type"] = "array", ["items"] = ElementType(type) is Type item ? Describe(item, skip, open, depth + 1) : new JsonObject() };

            // A class: its properties. A type that contains itself (a tree) is cut at its second appearance.
            if (depth > MaxDepth || !open.Add(type)) return new JsonObject { ["type"] = "object" };
            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                         .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && (skip is null || !skip(p))))
            {
                properties[p.Name] = Describe(p.PropertyType, skip, open, depth + 1);
                required.Add((JsonNode)p.Name!);
            }
            open.Remove(type);
            return new JsonObject
            {
                ["type"] = "object",
                ["properties"] = properties,
                ["required"] = required,
                ["additionalProperties"] = false,
            };
        }

        private static JsonObject Type(string name) => new() { ["type"] = name };

        private static JsonObject Format(string format) => new() { ["type"] = "string", ["format"] = format };

        private static Type? DictionaryValue(Type type)
        {
            if (typeof(IDictionary).IsAssignableFrom(type) && !type.IsGenericType) return typeof(object);
            var generic = type.GetInterfaces().Concat(new[] { type })
                .FirstOrDefault(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));
            return generic?.GetGenericArguments()[0] == typeof(string) ? generic.GetGenericArguments()[1] : null;
        }

        private static Type? ElementType(Type type)
        {
            if (type.IsArray) return type.GetElementType();
            var generic = type.GetInterfaces().Concat(new[] { type })
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
            return generic?.GetGenericArguments()[0];
        }
    }
}
