#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Ultra.DockerModel.Tests.Engine
{
    /// <summary>The shape of a generated model. The defaults give a ~0.7 MB llama that loads and answers in milliseconds.</summary>
    public sealed record TinyModel
    {
        public int Embedding { get; init; } = 64;
        public int Layers { get; init; } = 2;
        public int Heads { get; init; } = 4;
        public int FeedForward { get; init; } = 128;
        public int Vocabulary { get; init; } = 1024;
        public int Context { get; init; } = 2048;
        public bool F16 { get; init; }
        public int Seed { get; init; } = 1234;
        /// <summary>tokenizer.chat_template; null for none.</summary>
        public string? ChatTemplate { get; init; } = GgufWriter.ChatMl;
        /// <summary>general.architecture; anything but "llama" makes a file llama.cpp refuses as a language model.</summary>
        public string Architecture { get; init; } = "llama";
        /// <summary>
        /// &lt;arch&gt;.pooling_type as an embedding model's GGUF carries it (llama.cpp: 1 mean, 2 cls, 3 last); null for a
        /// language model, which has none.
        /// </summary>
        public uint? Pooling { get; init; }
    }

    /// <summary>
    /// Writes a GGUF v3 file of a tiny llama-architecture model with random weights: a SentencePiece vocabulary with the
    /// 256 byte-fallback tokens, ASCII and multi-byte UTF-8 pieces (accents, CJK, Cyrillic, emoji), ChatML control tokens
    /// and a chat template. llama.cpp loads, tokenizes, samples and detokenizes it like a trained model (the text is
    /// gibberish). No weights in git: tests write the models they need.
    /// </summary>
    public static class GgufWriter
    {
        public const string ChatMl =
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
            "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

        /// <summary>A Jinja template of no family llama.cpp knows.</summary>
        public const string UnknownTemplate = "{% for m in messages %}[[{{ m.role }}]] {{ m.content }}{% endfor %}";

        private const int Align = 32;

        private enum ValueType : uint { U32 = 4, I32 = 5, F32 = 6, Bool = 7, String = 8, Array = 9 }

        public static string Write(string path, TinyModel model)
        {
            var (tokens, types) = Vocabulary(model.Vocabulary);
            var scores = tokens.Select((_, i) => types[i] == 1 ? -(float)i : 0f).ToArray();
            string arch = model.Architecture;
            var kv = new List<(string Key, ValueType Type, object Value)>
            {
                ("general.architecture", ValueType.String, arch),
                ("general.name", ValueType.String, "tiny-random-" + arch),
                ("general.alignment", ValueType.U32, (uint)Align),
                (arch + ".context_length", ValueType.U32, (uint)model.Context),
                (arch + ".embedding_length", ValueType.U32, (uint)model.Embedding),
                (arch + ".block_count", ValueType.U32, (uint)model.Layers),
                (arch + ".feed_forward_length", ValueType.U32, (uint)model.FeedForward),
                (arch + ".attention.head_count", ValueType.U32, (uint)model.Heads),
                (arch + ".attention.head_count_kv", ValueType.U32, (uint)model.Heads),
                (arch + ".rope.dimension_count", ValueType.U32, (uint)(model.Embedding / model.Heads)),
                (arch + ".attention.layer_norm_rms_epsilon", ValueType.F32, 1e-5f),
                (arch + ".vocab_size", ValueType.U32, (uint)tokens.Count),
                ("tokenizer.ggml.model", ValueType.String, "llama"),
                ("tokenizer.ggml.tokens", ValueType.Array, tokens.ToArray()),
                ("tokenizer.ggml.scores", ValueType.Array, scores),
                ("tokenizer.ggml.token_type", ValueType.Array, types.ToArray()),
                ("tokenizer.ggml.bos_token_id", ValueType.U32, 1u),
                ("tokenizer.ggml.eos_token_id", ValueType.U32, 2u),
                ("tokenizer.ggml.unknown_token_id", ValueType.U32, 0u),
                ("tokenizer.ggml.add_bos_token", ValueType.Bool, true),
            };
            if (model.ChatTemplate != null) kv.Add(("tokenizer.chat_template", ValueType.String, model.ChatTemplate));
            if (model.Pooling is uint pooling) kv.Add((arch + ".pooling_type", ValueType.U32, pooling));

            var tensors = Tensors(model, tokens.Count);
            var rng = new Random(model.Seed);
            using var stream = File.Create(path);
            using var w = new BinaryWriter(stream, Encoding.UTF8);
            w.Write(0x46554747u); // "GGUF"
            w.Write(3u);
            w.Write((ulong)tensors.Count);
            w.Write((ulong)kv.Count);
            foreach (var (key, type, value) in kv)
            {
                WriteString(w, key);
                w.Write((uint)type);
                WriteValue(w, value);
            }
            ulong offset = 0;
            foreach (var t in tensors)
            {
                WriteString(w, t.Name);
                if (t.Rows == 0) { w.Write(1u); w.Write((ulong)t.Columns); }
                else { w.Write(2u); w.Write((ulong)t.Columns); w.Write((ulong)t.Rows); }
                w.Write(Half(model, t) ? 1u : 0u); // GGML_TYPE_F16 = 1, F32 = 0
                w.Write(offset);
                offset += (ulong)Pad(Bytes(model, t));
            }
            w.Write(new byte[Pad(stream.Position) - stream.Position]);
            foreach (var t in tensors)
            {
                long count = t.Columns * Math.Max(1, t.Rows);
                float std = t.Name.StartsWith("token_embd", StringComparison.Ordinal) ? 1f : 1f / MathF.Sqrt(t.Columns);
                bool half = Half(model, t);
                for (long i = 0; i < count; i++)
                {
                    float v = t.Norm ? 1f : (float)(Gaussian(rng) * std);
                    if (half) w.Write(BitConverter.HalfToUInt16Bits((Half)v)); else w.Write(v);
                }
                long bytes = Bytes(model, t);
                w.Write(new byte[Pad(bytes) - bytes]);
            }
            return path;
        }

        private static (List<string> Tokens, List<int> Types) Vocabulary(int size)
        {
            // Types: 1 normal, 2 unknown, 3 control, 6 byte. ChatML's markers are control tokens (and <|im_end|> ends a turn).
            var tokens = new List<string> { "<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>" };
            var types = new List<int> { 2, 3, 3, 3, 3 };
            for (int b = 0; b < 256; b++) { tokens.Add($"<0x{b:X2}>"); types.Add(6); }
            const string letters = "abcdefghijklmnopqrstuvwxyz";
            var pieces = new List<string> { "\u2581", "\n", ".", ",", "!", "?" };
            pieces.AddRange(letters.Select(c => c.ToString()));
            pieces.AddRange(letters.Select(c => "\u2581" + c));
            // Multi-byte UTF-8 pieces: 2-byte (é, ß, Cyrillic, Greek), 3-byte (CJK, €, →) and 4-byte (emoji) characters.
            pieces.AddRange(new[] { "é", "è", "ü", "ö", "ß", "ñ", "ç", "日", "本", "語", "中", "文", "€", "→", "✓", "😀", "🚀", "🦙",
                "\u2581café", "\u2581naïve", "\u2581über", "\u2581日本語", "\u2581привет", "\u2581мир", "\u2581γεια", "\u2581€uro", "\u2581🙂" });
            pieces.AddRange(new[] { "the", "and", "was", "once", "upon", "time", "there", "little", "happy", "day", "play", "park", "hello", "hi" }
                .Select(word => "\u2581" + word));
            foreach (var a in letters) foreach (var b in letters) pieces.Add($"{a}{b}");
            foreach (var a in letters) foreach (var b in letters) pieces.Add($"\u2581{a}{b}");
            for (int i = 0; tokens.Count < size; i++)
            {
                tokens.Add(i < pieces.Count ? pieces[i] : $"\u2581w{i}");
                types.Add(1);
            }
            return (tokens, types);
        }

        private sealed record Tensor(string Name, long Columns, long Rows, bool Norm);

        private static List<Tensor> Tensors(TinyModel m, int vocab)
        {
            var list = new List<Tensor>
            {
                new("token_embd.weight", m.Embedding, vocab, false),
                new("output_norm.weight", m.Embedding, 0, true),
                new("output.weight", m.Embedding, vocab, false),
            };
            for (int l = 0; l < m.Layers; l++)
            {
                list.Add(new($"blk.{l}.attn_norm.weight", m.Embedding, 0, true));
                foreach (var name in new[] { "attn_q", "attn_k", "attn_v", "attn_output" })
                    list.Add(new($"blk.{l}.{name}.weight", m.Embedding, m.Embedding, false));
                list.Add(new($"blk.{l}.ffn_norm.weight", m.Embedding, 0, true));
                list.Add(new($"blk.{l}.ffn_gate.weight", m.Embedding, m.FeedForward, false));
                list.Add(new($"blk.{l}.ffn_up.weight", m.Embedding, m.FeedForward, false));
                list.Add(new($"blk.{l}.ffn_down.weight", m.FeedForward, m.Embedding, false));
            }
            return list;
        }

        private static bool Half(TinyModel m, Tensor t) => m.F16 && !t.Norm;
        private static long Bytes(TinyModel m, Tensor t) => t.Columns * Math.Max(1, t.Rows) * (Half(m, t) ? 2 : 4);
        private static long Pad(long x) => (x + Align - 1) / Align * Align;
        private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

        private static void WriteString(BinaryWriter w, string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            w.Write((ulong)bytes.Length);
            w.Write(bytes);
        }

        private static void WriteValue(BinaryWriter w, object value)
        {
            switch (value)
            {
                case string s: WriteString(w, s); break;
                case uint u: w.Write(u); break;
                case float f: w.Write(f); break;
                case bool b: w.Write((byte)(b ? 1 : 0)); break;
                case string[] a: w.Write((uint)ValueType.String); w.Write((ulong)a.Length); foreach (var s in a) WriteString(w, s); break;
                case float[] a: w.Write((uint)ValueType.F32); w.Write((ulong)a.Length); foreach (var f in a) w.Write(f); break;
                case int[] a: w.Write((uint)ValueType.I32); w.Write((ulong)a.Length); foreach (var i in a) w.Write(i); break;
                default: throw new NotSupportedException(value.GetType().Name);
            }
        }
    }
}
