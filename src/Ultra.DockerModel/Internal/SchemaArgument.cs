using System;
using System.Collections;
using System.Management.Automation;
using System.Text.Json;
using Ultra.DockerModel.Structured;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// -Schema as a user gives it: a hashtable, a JSON string, a PSCustomObject (ConvertFrom-Json), or a type
    /// (<c>([Invoice])</c> or its name): a PowerShell class's properties become the schema, its hidden ones left out,
    /// and the answer becomes an instance of it.
    /// </summary>
    internal static class SchemaArgument
    {
        public static OutputSchema From(object? value)
        {
            switch (value is PSObject ps && ps.BaseObject is not PSCustomObject ? ps.BaseObject : value)
            {
                case Type type:
                    return OutputSchema.FromType(type, p => p.IsDefined(typeof(HiddenAttribute), true));
                case string text when text.TrimStart().StartsWith("{", StringComparison.Ordinal):
                    return OutputSchema.Parse(text);
                case string name when LanguagePrimitives.TryConvertTo(name.Trim().Trim('[', ']'), out Type? named) && named != null:
                    return OutputSchema.FromType(named, p => p.IsDefined(typeof(HiddenAttribute), true));
                case IDictionary or PSObject:
                    return OutputSchema.Parse(PowerShellJson.Serialize(value));
                default:
                    throw new DockerModelException(ErrorKind.InvalidInvocation,
                        $"-Schema takes a hashtable (@{{ type = 'object'; properties = @{{ ... }} }}), a JSON Schema string, or a class ([MyType]); '{value}' is none of them.");
            }
        }

        /// <summary>The parsed answer as the pipeline gets it: a PSCustomObject, or an instance of the schema's class.</summary>
        public static object? ToObject(OutputSchema schema, JsonElement value)
        {
            if (schema.TargetType is null) return PowerShellJson.ToPowerShell(value);
            try
            {
                return LanguagePrimitives.ConvertTo(PowerShellJson.ToPowerShell(value, asHashtable: true), schema.TargetType, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (PSInvalidCastException e)
            {
                throw new DockerModelException(ErrorKind.SchemaMismatch,
                    $"The answer matches the schema but cannot become a [{schema.TargetType.Name}]: {e.Message}", value.GetRawText());
            }
        }
    }
}
