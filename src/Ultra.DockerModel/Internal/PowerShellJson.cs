using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// JSON to and from what PowerShell users hold: hashtables, PSCustomObjects, arrays and scalars one way;
    /// PSCustomObjects (or hashtables, for conversion to a class) the other, as ConvertFrom-Json gives them.
    /// </summary>
    internal static class PowerShellJson
    {
        private const int MaxDepth = 64;

        /// <summary>A hashtable (nested hashtables, arrays, scalars) or a PSCustomObject as compact JSON text.</summary>
        public static string Serialize(object? value)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer)) Write(json, value, 0);
            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void Write(Utf8JsonWriter json, object? value, int depth)
        {
            if (depth > MaxDepth) throw new DockerModelException(ErrorKind.InvalidInvocation, "The value is nested too deeply to be JSON (a loop?).");
            if (value is PSObject ps && ps.BaseObject is not PSCustomObject) value = ps.BaseObject;
            switch (value)
            {
                case null:
                    json.WriteNullValue();
                    break;
                case string s:
                    json.WriteStringValue(s);
                    break;
                case char c:
                    json.WriteStringValue(c.ToString());
                    break;
                case bool b:
                    json.WriteBooleanValue(b);
                    break;
                case Enum e:
                    json.WriteStringValue(e.ToString());
                    break;
                case int or long or short or byte or sbyte or ushort or uint or ulong:
                    json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                    break;
                case float or double or decimal:
                    json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!.Replace("E+", "E"));
                    break;
                case IDictionary d:
                    json.WriteStartObject();
                    // A Hashtable's order changes with each process (string hashes are randomized): sorted, one schema
                    // is one JSON text everywhere (one grammar, one property order, one cache key). [ordered] keeps its own.
                    var entries = d is Hashtable ? d.Cast<DictionaryEntry>().OrderBy(kv => Convert.ToString(kv.Key, CultureInfo.InvariantCulture), StringComparer.Ordinal)
                        : d.Cast<DictionaryEntry>();
                    foreach (var kv in entries)
                    {
                        json.WritePropertyName(Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? "");
                        Write(json, kv.Value, depth + 1);
                    }
                    json.WriteEndObject();
                    break;
                case PSObject custom:
                    json.WriteStartObject();
                    foreach (var p in custom.Properties)
                    {
                        json.WritePropertyName(p.Name);
                        Write(json, p.Value, depth + 1);
                    }
                    json.WriteEndObject();
                    break;
                case IEnumerable list:
                    json.WriteStartArray();
                    foreach (var item in list) Write(json, item, depth + 1);
                    json.WriteEndArray();
                    break;
                default:
                    json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }

        /// <summary>The JSON value as PowerShell objects: objects become PSCustomObjects (or case-insensitive hashtables).</summary>
        public static object? ToPowerShell(JsonElement e, bool asHashtable = false) => e.ValueKind switch
        {
            JsonValueKind.Object => asHashtable ? ToHashtable(e) : ToCustomObject(e),
            JsonValueKind.Array => e.EnumerateArray().Select(i => ToPowerShell(i, asHashtable)).ToArray(),
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.TryGetInt32(out int i) ? i : e.TryGetInt64(out long l) ? l : e.TryGetDecimal(out decimal m) && (double)m == e.GetDouble() ? m : (object)e.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };

        private static PSObject ToCustomObject(JsonElement e)
        {
            var o = new PSObject();
            foreach (var p in e.EnumerateObject())
            {
                // A repeated name keeps its last value, as ConvertFrom-Json does.
                o.Properties.Remove(p.Name);
                o.Properties.Add(new PSNoteProperty(p.Name, ToPowerShell(p.Value)));
            }
            return o;
        }

        private static Hashtable ToHashtable(JsonElement e)
        {
            var h = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var p in e.EnumerateObject()) h[p.Name] = ToPowerShell(p.Value, asHashtable: true);
            return h;
        }
    }
}
