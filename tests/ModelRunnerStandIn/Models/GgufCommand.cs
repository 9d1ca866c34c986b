using Ultra.DockerModel.Tests.Engine;

namespace ModelRunnerStandIn.Models;

/// <summary>
/// `gguf PATH [options]`: writes a tiny random-weight model (the tests' GgufWriter) for the embedded engine's tests.
/// With `--store DIR --tag REF` the model then goes into a store in Docker Model Runner's layout (as after a pull) and
/// the blob's path is printed.
/// </summary>
public static class GgufCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("gguf: a path is required");
            return 2;
        }
        var model = new TinyModel();
        string? store = null, tag = null;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            string value = args[i + 1];
            model = args[i] switch
            {
                "--embedding" => model with { Embedding = int.Parse(value) },
                "--layers" => model with { Layers = int.Parse(value) },
                "--feed-forward" => model with { FeedForward = int.Parse(value) },
                "--context" => model with { Context = int.Parse(value) },
                "--seed" => model with { Seed = int.Parse(value) },
                "--arch" => model with { Architecture = value },
                "--pooling" => model with { Pooling = value switch { "mean" => 1u, "cls" => 2u, "last" => 3u, _ => throw new ArgumentException($"gguf: --pooling is mean, cls or last, not {value}") } },
                "--store" => Keep(model, store = Path.GetFullPath(value)),
                "--tag" => Keep(model, tag = value),
                "--template" => model with
                {
                    ChatTemplate = value switch { "none" => null, "unknown" => GgufWriter.UnknownTemplate, _ => GgufWriter.ChatMl },
                },
                _ => throw new ArgumentException($"gguf: unknown option {args[i]}"),
            };
        }
        string path = GgufWriter.Write(Path.GetFullPath(args[0]), model);
        if (store != null) path = DockerStoreWriter.Add(store, tag ?? throw new ArgumentException("gguf: --store needs --tag"), path);
        Console.WriteLine(path);
        return 0;
    }

    private static TinyModel Keep(TinyModel model, string _) => model;
}
