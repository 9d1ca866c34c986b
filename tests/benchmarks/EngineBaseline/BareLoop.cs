using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;

namespace EngineBaseline;

/// <summary>
/// The loop anyone would write on LLamaSharp's low layer: the chat template, one prompt pass, then sample, decode,
/// detokenize until the token limit or an end-of-generation token. Same sampler settings as the engine's defaults
/// (llama-server's), so with the same seed both produce the same tokens and their times compare like for like.
/// </summary>
public static class BareLoop
{
    private static readonly Dictionary<string, (LLamaWeights Weights, LLamaContext Context)> Loaded = new();

    /// <summary>Runs one generation; returns the text and [firstPieceMs, generationMs, tokens, loadMs] (loadMs 0 once loaded).</summary>
    public static (string Text, double[] Figures) Run(string modelPath, string prompt, int maxTokens, int threads, uint contextSize, long seed, float temperature)
    {
        var clock = Stopwatch.StartNew();
        double loadMs = 0;
        if (!Loaded.TryGetValue(modelPath, out var model))
        {
            var parameters = new ModelParams(modelPath) { LoadMode = LLamaLoadMode.MemoryMap, GpuLayerCount = 0, ContextSize = contextSize, Threads = threads, BatchThreads = threads };
            var weights = LLamaWeights.LoadFromFile(parameters);
            Loaded[modelPath] = model = (weights, weights.CreateContext(parameters));
            loadMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
        }
        var (w, context) = model;
        var template = new LLamaTemplate(w) { AddAssistant = true };
        template.Add("user", prompt);
        var tokens = context.Tokenize(Encoding.UTF8.GetString(template.Apply()), addBos: true, special: true);
        context.NativeHandle.MemoryClear();
        var batch = new LLamaBatch();
        int position = 0;
        for (int i = 0; i < tokens.Length; i += (int)context.BatchSize)
        {
            batch.Clear();
            int n = Math.Min((int)context.BatchSize, tokens.Length - i);
            for (int j = 0; j < n; j++) batch.Add(tokens[i + j], position++, LLamaSeqId.Zero, i + j == tokens.Length - 1);
            Check(context.Decode(batch));
        }
        using var sampler = new DefaultSamplingPipeline { Temperature = temperature, TopP = 0.95f, TopK = 40, MinP = 0.05f, Seed = unchecked((uint)seed) };
        var decoder = new StreamingTokenDecoder(context);
        var text = new StringBuilder();
        double first = -1, last = 0;
        int generated = 0;
        while (generated < maxTokens)
        {
            var token = sampler.Sample(context.NativeHandle, batch.TokenCount - 1);
            if (token.IsEndOfGeneration(w.Vocab)) break;
            generated++;
            decoder.Add(token);
            string piece = decoder.Read();
            if (piece.Length > 0)
            {
                last = clock.Elapsed.TotalMilliseconds;
                if (first < 0) first = last;
                text.Append(piece);
            }
            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, true);
            Check(context.Decode(batch));
        }
        return (text.ToString(), new[] { first, last - first, generated, loadMs });
    }

    public static void Release()
    {
        foreach (var (weights, context) in Loaded.Values)
        {
            context.Dispose();
            weights.Dispose();
        }
        Loaded.Clear();
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok) throw new InvalidOperationException("decode: " + result);
    }
}
