using System.Globalization;
using System.Text;

namespace ModelRunnerStandIn.Shared;

// A tiny JSON model shared by both roles. Strings keep their raw UTF-8 bytes, so invalid UTF-8
// (the invalid-utf8 fault) survives a parse/print round trip, which System.Text.Json would refuse.
public abstract class JNode
{
    public virtual JNode? this[string key] => null;
    public string? Str => (this as JString)?.Text;
    public long? Long => (this as JNumber)?.AsLong;
    public bool? Bool => this is JBool b ? b.Value : null;
}

public sealed class JObject : JNode
{
    public List<KeyValuePair<string, JNode>> Props { get; } = new();

    public override JNode? this[string key]
    {
        get
        {
            foreach (var p in Props)
                if (p.Key == key) return p.Value;
            return null;
        }
    }

    public JObject Set(string key, JNode value)
    {
        for (int i = 0; i < Props.Count; i++)
        {
            if (Props[i].Key == key) { Props[i] = new(key, value); return this; }
        }
        Props.Add(new(key, value));
        return this;
    }
}

public sealed class JArray : JNode
{
    public List<JNode> Items { get; } = new();
    public JArray() { }
    public JArray(IEnumerable<JNode> items) => Items.AddRange(items);
}

public sealed class JString : JNode
{
    public byte[] Utf8 { get; }
    public JString(byte[] utf8) => Utf8 = utf8;
    public JString(string text) => Utf8 = Encoding.UTF8.GetBytes(text);
    public string Text => Encoding.UTF8.GetString(Utf8);
}

public sealed class JNumber : JNode
{
    public string Raw { get; }
    public JNumber(string raw) => Raw = raw;
    public JNumber(long value) => Raw = value.ToString(CultureInfo.InvariantCulture);
    public long? AsLong => long.TryParse(Raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : double.TryParse(Raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) ? (long)d : null;
}

public sealed class JBool : JNode
{
    public static readonly JBool True = new(true), False = new(false);
    public bool Value { get; }
    private JBool(bool v) => Value = v;
}

public sealed class JNull : JNode
{
    public static readonly JNull Instance = new();
}

/// <summary>Short builders; a null value in Obj means "omit" (Go's omitempty).</summary>
public static class J
{
    public static JString S(string s) => new(s);
    public static JNumber N(long n) => new(n);
    public static JBool B(bool b) => b ? JBool.True : JBool.False;
    public static JArray A(IEnumerable<JNode> items) => new(items);
    public static JArray A(params JNode[] items) => new(items);

    public static JObject O(params (string Key, JNode? Value)[] props)
    {
        var o = new JObject();
        foreach (var (k, v) in props)
            if (v is not null) o.Props.Add(new(k, v));
        return o;
    }
}

public sealed class JsonParseException(string message) : Exception(message);

/// <summary>Parses JSON from UTF-8 bytes; error texts follow Go's encoding/json.</summary>
public ref struct JsonParser
{
    private readonly ReadOnlySpan<byte> _s;
    private int _i;

    private JsonParser(ReadOnlySpan<byte> s) { _s = s; _i = 0; }

    public static JNode Parse(ReadOnlySpan<byte> utf8)
    {
        var p = new JsonParser(utf8);
        p.SkipWs();
        var v = p.Value();
        p.SkipWs();
        if (p._i < p._s.Length) throw p.Invalid("after top-level value");
        return v;
    }

    public static JNode Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    private JsonParseException Invalid(string context)
    {
        if (_i >= _s.Length) return new JsonParseException("unexpected end of JSON input");
        var c = (char)_s[_i];
        var shown = c == '\'' ? "'\\''" : c < 0x20 || c > 0x7e ? $"'\\x{(int)c:x2}'" : $"'{c}'";
        return new JsonParseException($"invalid character {shown} {context}");
    }

    private void SkipWs()
    {
        while (_i < _s.Length && (_s[_i] == ' ' || _s[_i] == '\t' || _s[_i] == '\n' || _s[_i] == '\r')) _i++;
    }

    private JNode Value()
    {
        if (_i >= _s.Length) throw new JsonParseException("unexpected end of JSON input");
        switch (_s[_i])
        {
            case (byte)'{': return Object();
            case (byte)'[': return Array();
            case (byte)'"': return new JString(StringBytes());
            case (byte)'t': Literal("true"); return JBool.True;
            case (byte)'f': Literal("false"); return JBool.False;
            case (byte)'n': Literal("null"); return JNull.Instance;
            default:
                if (_s[_i] == '-' || (_s[_i] >= '0' && _s[_i] <= '9')) return Number();
                throw Invalid("looking for beginning of value");
        }
    }

    private void Literal(string word)
    {
        for (int k = 0; k < word.Length; k++, _i++)
        {
            if (_i >= _s.Length) throw new JsonParseException("unexpected end of JSON input");
            if (_s[_i] != word[k]) throw Invalid($"in literal {word} (expecting '{word[k]}')");
        }
    }

    private JNumber Number()
    {
        int start = _i;
        if (_s[_i] == '-') _i++;
        while (_i < _s.Length && (char.IsAsciiDigit((char)_s[_i]) || _s[_i] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-')) _i++;
        return new JNumber(Encoding.ASCII.GetString(_s[start.._i]));
    }

    private JObject Object()
    {
        var o = new JObject();
        _i++;
        SkipWs();
        if (_i < _s.Length && _s[_i] == '}') { _i++; return o; }
        while (true)
        {
            SkipWs();
            if (_i >= _s.Length) throw new JsonParseException("unexpected end of JSON input");
            if (_s[_i] != '"') throw Invalid("looking for beginning of object key string");
            var key = Encoding.UTF8.GetString(StringBytes());
            SkipWs();
            if (_i >= _s.Length) throw new JsonParseException("unexpected end of JSON input");
            if (_s[_i] != ':') throw Invalid("after object key");
            _i++;
            SkipWs();
            o.Props.Add(new(key, Value()));
            SkipWs();
            if (_i >= _s.Length) throw new JsonParseException("unexpected end of JSON input");
            if (_s[_i] == ',') { _i++; continue; }
            if (_s[_i] == '}') { _i++; return o; }
            throw Invalid("after object key:value pair");
        }
    }

    private JArray Array()
    {
        var a = new JArray();
        _i++;
        SkipWs();
        if (_i < _s.Length && _s[_i] == ']') { _i++; return a; }
        while (true)
        {
            SkipWs();
            a.Items.Add(Value());
            SkipWs();
            if (_i >= _s.Length) throw new JsonParseException("unexpected end of JSON input");
            if (_s[_i] == ',') { _i++; continue; }
            if (_s[_i] == ']') { _i++; return a; }
            throw Invalid("after array element");
        }
    }

    private byte[] StringBytes()
    {
        _i++; // opening quote
        var buf = new List<byte>();
        Span<byte> tmp = stackalloc byte[4];
        while (true)
        {
            if (_i >= _s.Length) throw new JsonParseException("unexpected end of JSON input");
            byte b = _s[_i++];
            if (b == '"') return buf.ToArray();
            if (b < 0x20) { _i--; throw Invalid("in string literal"); }
            if (b != '\\') { buf.Add(b); continue; }
            if (_i >= _s.Length) throw new JsonParseException("unexpected end of JSON input");
            byte e = _s[_i++];
            switch (e)
            {
                case (byte)'"': buf.Add((byte)'"'); break;
                case (byte)'\\': buf.Add((byte)'\\'); break;
                case (byte)'/': buf.Add((byte)'/'); break;
                case (byte)'b': buf.Add(8); break;
                case (byte)'f': buf.Add(12); break;
                case (byte)'n': buf.Add((byte)'\n'); break;
                case (byte)'r': buf.Add((byte)'\r'); break;
                case (byte)'t': buf.Add((byte)'\t'); break;
                case (byte)'u':
                    int cp = Hex4();
                    if (char.IsHighSurrogate((char)cp) && _i + 1 < _s.Length && _s[_i] == '\\' && _s[_i + 1] == 'u')
                    {
                        int save = _i;
                        _i += 2;
                        int lo = Hex4();
                        if (char.IsLowSurrogate((char)lo)) cp = char.ConvertToUtf32((char)cp, (char)lo);
                        else _i = save;
                    }
                    if (cp is >= 0xD800 and <= 0xDFFF) cp = 0xFFFD; // lone surrogate, as Go does
                    int n = new Rune(cp).EncodeToUtf8(tmp);
                    for (int k = 0; k < n; k++) buf.Add(tmp[k]);
                    break;
                default:
                    _i--;
                    throw Invalid("in string escape code");
            }
        }
    }

    private int Hex4()
    {
        if (_i + 4 > _s.Length) throw new JsonParseException("unexpected end of JSON input");
        int v = 0;
        for (int k = 0; k < 4; k++)
        {
            int d = HexVal(_s[_i]);
            if (d < 0) throw Invalid("in \\u hexadecimal character escape");
            v = v * 16 + d;
            _i++;
        }
        return v;
    }

    private static int HexVal(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}

/// <summary>Writes JSON the way Go's encoding/json does (compact or json.Encoder.SetIndent).</summary>
public sealed class JsonOut
{
    public bool EscapeHtml { get; init; } = true;      // json.Marshal/Encoder default
    public bool RawInvalidUtf8 { get; init; }           // llama.cpp-like: pass bytes through untouched
    public string? Indent { get; init; }                 // null = compact

    public static byte[] Compact(JNode n, bool escapeHtml = true) =>
        new JsonOut { EscapeHtml = escapeHtml }.ToBytes(n);

    /// <summary>formatter.ToStandardJSON in the CLI: 4-space indent, no HTML escaping, trailing newline.</summary>
    public static byte[] Pretty(JNode n) =>
        new JsonOut { EscapeHtml = false, Indent = "    " }.ToBytes(n, newline: true);

    public byte[] ToBytes(JNode n, bool newline = false)
    {
        var ms = new MemoryStream();
        Write(ms, n, 0);
        if (newline) ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    private void Write(MemoryStream o, JNode n, int depth)
    {
        switch (n)
        {
            case JNull: Ascii(o, "null"); break;
            case JBool b: Ascii(o, b.Value ? "true" : "false"); break;
            case JNumber num: Ascii(o, num.Raw); break;
            case JString s: WriteString(o, s.Utf8); break;
            case JArray a:
                if (a.Items.Count == 0) { Ascii(o, "[]"); break; }
                o.WriteByte((byte)'[');
                for (int i = 0; i < a.Items.Count; i++)
                {
                    if (i > 0) o.WriteByte((byte)',');
                    NewLine(o, depth + 1);
                    Write(o, a.Items[i], depth + 1);
                }
                NewLine(o, depth);
                o.WriteByte((byte)']');
                break;
            case JObject obj:
                if (obj.Props.Count == 0) { Ascii(o, "{}"); break; }
                o.WriteByte((byte)'{');
                for (int i = 0; i < obj.Props.Count; i++)
                {
                    if (i > 0) o.WriteByte((byte)',');
                    NewLine(o, depth + 1);
                    WriteString(o, Encoding.UTF8.GetBytes(obj.Props[i].Key));
                    o.WriteByte((byte)':');
                    if (Indent is not null) o.WriteByte((byte)' ');
                    Write(o, obj.Props[i].Value, depth + 1);
                }
                NewLine(o, depth);
                o.WriteByte((byte)'}');
                break;
        }
    }

    private void NewLine(MemoryStream o, int depth)
    {
        if (Indent is null) return;
        o.WriteByte((byte)'\n');
        for (int i = 0; i < depth; i++) Ascii(o, Indent);
    }

    private static void Ascii(MemoryStream o, string s)
    {
        foreach (var c in s) o.WriteByte((byte)c);
    }

    private void WriteString(MemoryStream o, byte[] s)
    {
        o.WriteByte((byte)'"');
        int i = 0;
        while (i < s.Length)
        {
            byte b = s[i];
            if (b < 0x80)
            {
                switch (b)
                {
                    case (byte)'"': Ascii(o, "\\\""); break;
                    case (byte)'\\': Ascii(o, "\\\\"); break;
                    case (byte)'\n': Ascii(o, "\\n"); break;
                    case (byte)'\r': Ascii(o, "\\r"); break;
                    case (byte)'\t': Ascii(o, "\\t"); break;
                    case 8: Ascii(o, "\\b"); break;
                    case 12: Ascii(o, "\\f"); break;
                    case (byte)'<' or (byte)'>' or (byte)'&' when EscapeHtml: Ascii(o, $"\\u00{b:x2}"); break;
                    default:
                        if (b < 0x20) Ascii(o, $"\\u00{b:x2}");
                        else o.WriteByte(b);
                        break;
                }
                i++;
                continue;
            }
            var status = Rune.DecodeFromUtf8(s.AsSpan(i), out var rune, out int used);
            if (status != System.Buffers.OperationStatus.Done)
            {
                if (RawInvalidUtf8) o.Write(s, i, Math.Max(used, 1));
                else Ascii(o, "\\ufffd");
                i += Math.Max(used, 1);
                continue;
            }
            if (rune.Value is 0x2028 or 0x2029) Ascii(o, $"\\u{rune.Value:x4}");
            else o.Write(s, i, used);
            i += used;
        }
        o.WriteByte((byte)'"');
    }
}
