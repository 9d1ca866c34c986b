using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Tests.StandIn;
using Xunit;

namespace Ultra.DockerModel.Tests.Engine
{
    /// <summary>
    /// The embedded engine as the module ships it: out/Ultra.DockerModel/embedded (laid out by ./build.ps1), loaded
    /// through Core's EmbeddedEngineHost into its own load context. Native state is per process, so the host is too.
    /// </summary>
    public static class EngineUnderTest
    {
        private static readonly Lazy<EmbeddedEngineHost> LazyHost = new(() => new EmbeddedEngineHost(Directory()));

        public static EmbeddedEngineHost Host => LazyHost.Value;

        public static IEmbeddedEngine Instance => Host.GetEngine();

        public static string Directory()
        {
            string root = StandInServer.RepositoryRoot() ?? throw new DirectoryNotFoundException("No repository root above " + AppContext.BaseDirectory);
            string dir = Path.Combine(root, "out", "Ultra.DockerModel", "embedded");
            return File.Exists(Path.Combine(dir, EmbeddedEngineHost.EngineAssembly + ".dll")) ? dir
                : throw new DirectoryNotFoundException($"{dir} has no engine: run ./build.ps1 first (it lays out the module's embedded/ folder).");
        }

        /// <summary>Tests use one thread unless they are about threads: the machine's two cores are shared.</summary>
        public static EngineOptions Options(TimeSpan? idle = null, int contextSize = 4096) =>
            new() { Threads = 1, MaxContextSize = contextSize, IdleTimeout = idle ?? TimeSpan.FromMinutes(5) };

        public static List<ChatMessage> User(string text) => new() { new ChatMessage(ChatRole.User, text) };

        public static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
        {
            var list = new List<ChatResponseUpdate>();
            await foreach (var u in updates) list.Add(u);
            return list;
        }

        public static string Text(IEnumerable<ChatResponseUpdate> updates) => string.Concat(updates.Select(u => u.Text));

        public static UsageDetails Usage(IEnumerable<ChatResponseUpdate> updates) =>
            updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;

        public static ChatFinishReason? Finish(IEnumerable<ChatResponseUpdate> updates) => updates.Last().FinishReason;
    }

    /// <summary>A temporary folder with generated models, shared by the tests of one class and deleted after them.</summary>
    public sealed class ModelFolder : IDisposable
    {
        private readonly Dictionary<TinyModel, string> _models = new();

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "udm-gguf-" + Guid.NewGuid().ToString("N"));

        public ModelFolder() => System.IO.Directory.CreateDirectory(Path);

        /// <summary>The model of this shape (written on first use).</summary>
        public string Get(TinyModel model)
        {
            lock (_models)
            {
                if (!_models.TryGetValue(model, out var file))
                    _models[model] = file = GgufWriter.Write(System.IO.Path.Combine(Path, $"model-{_models.Count}.gguf"), model);
                return file;
            }
        }

        public string Tiny => Get(new TinyModel());

        public void Dispose()
        {
            EngineUnderTest.Host.Loaded?.Unload(null);
            try { System.IO.Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    [CollectionDefinition(Name)]
    public sealed class EngineCollection : ICollectionFixture<ModelFolder>
    {
        /// <summary>Engine tests run one after another: they measure time and memory of one process-wide engine.</summary>
        public const string Name = "Embedded engine";
    }
}
