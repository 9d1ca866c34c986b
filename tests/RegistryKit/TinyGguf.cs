using System.Text;

namespace RegistryKit;

/// <summary>
/// Bytes that start like a GGUF v3 file (magic, version, no tensors, a few metadata keys) padded to a size with
/// seeded noise, so each seed gives a different digest. Enough for registry and store tests, which never load the
/// model; an engine test needs a real model file.
/// </summary>
public static class TinyGguf
{
    public static byte[] Create(int size, int seed = 1, string name = "tiny-test-model")
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Encoding.ASCII.GetBytes("GGUF"));
            w.Write(3u);                 // version
            w.Write(0UL);                // tensor count
            w.Write(2UL);                // metadata key count
            WriteString(w, "general.architecture");
            w.Write(8u);                 // GGUF type: string
            WriteString(w, "llama");
            WriteString(w, "general.name");
            w.Write(8u);
            WriteString(w, name);
        }
        var header = buffer.ToArray();
        if (size < header.Length) throw new ArgumentOutOfRangeException(nameof(size), $"at least {header.Length} bytes");
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        header.CopyTo(bytes, 0);
        return bytes;
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)b.Length);
        w.Write(b);
    }
}
