using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RegistryKit;
using Ultra.DockerModel.Engine;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Routing;
using Ultra.DockerModel.Stores;
using Ultra.DockerModel.Tests.Registry;
using Ultra.DockerModel.Tests.Routing;
using Xunit;

namespace Ultra.DockerModel.Tests.Engine;

/// <summary>The router with the embedded engine behind it: a model from a store on disk, and -AutoPull with no runner.</summary>
[Collection(EngineCollection.Name)]
public class EmbeddedRoutingTests(ModelFolder models) : IDisposable
{
    private readonly string _store = Path.Combine(models.Path, "store-" + Guid.NewGuid().ToString("N"));

    private (ChainPolicy Policy, ChatClientFactory Factory) Wire(ModelStores stores, bool autoPull) => (
        new ChainPolicy(ChainPolicy.StandardRules.Append(new EmbeddedFallbackRule(true, autoPull, name => EmbeddedModelFile.IsInStores(stores, name),
            () => "Docker is not installed (test)"))),
        new ChatClientFactory(new DockerModelClient(new DockerCli("udm-test-no-docker")))
        {
            EmbeddedEngine = EngineUnderTest.Host,
            EngineOptions = EngineUnderTest.Options(),
            FindInStores = name => EmbeddedModelFile.InStores(stores, name),
            PullToStore = (name, progress, token) => new ModelPuller(stores.Module).PullAsync(name, progress, token),
        });

    private static LlmRequest Ask(bool autoPull = false) =>
        new() { Messages = new[] { new LlmMessage("user", "hi") }, MaxTokens = 4, AutoPull = autoPull };

    [RegistryFact]
    public async Task AutoPull_with_no_runner_pulls_from_the_registry_into_the_module_store_and_runs_embedded()
    {
        using var registry = LocalRegistry.Start();
        var gguf = new Blob(ModelArtifact.Gguf, File.ReadAllBytes(models.Tiny));
        var config = new Blob(ModelArtifact.ModelConfig, Encoding.UTF8.GetBytes(
            $"{{\"config\":{{\"format\":\"gguf\",\"architecture\":\"llama\",\"size\":\"{gguf.Size} B\"}},\"rootfs\":{{\"type\":\"rootfs\",\"diff_ids\":[\"{gguf.Digest}\"]}}}}"));
        registry.Push("ai/pulled", "latest", ModelArtifact.FromBlobs(config, new[] { gguf }));
        string model = registry.Host + "/ai/pulled";
        var stores = new ModelStores(new ModuleStore(_store), null);
        var (policy, factory) = Wire(stores, autoPull: true);

        var chain = policy.Resolve(new SavedChain(Array.Empty<LlmProvider>()), new ChainChoice { Model = model });
        var observer = new RecordingObserver();
        var response = await new LlmRouter(factory).RunAsync(chain, Ask(autoPull: true), observer, CancellationToken.None);

        Assert.Equal(EmbeddedFallbackRule.ProviderName, response.Provider);
        Assert.Equal(4, response.CompletionTokens);
        Assert.Contains("pulling it from its registry into the module's store", observer.AllVerbose);
        Assert.Equal(File.ReadAllBytes(models.Tiny), File.ReadAllBytes(EmbeddedModelFile.InStores(stores, model)!));
        EngineUnderTest.Instance.Unload(EmbeddedModelFile.InStores(stores, model));
    }

    [Fact]
    public async Task A_model_in_a_store_with_no_runner_answers_through_the_embedded_engine()
    {
        string blob = EmbeddedModelFile.InStores(new ModelStores(new ModuleStore(_store), null), "ai/none") ?? "";
        Assert.Equal("", blob);
        // A Docker-layout store as Docker Model Runner leaves it after a pull (read only: the module never writes it).
        string dockerStore = Path.Combine(_store, "docker");
        string path = DockerStoreWriter.Add(dockerStore, "docker.io/ai/tiny:latest", models.Tiny);
        var stores = new ModelStores(new ModuleStore(Path.Combine(_store, "module")), new ModelStore(dockerStore, ModelStoreKind.DockerStore));
        var (policy, factory) = Wire(stores, autoPull: false);
        var chain = policy.Resolve(new SavedChain(Array.Empty<LlmProvider>()), new ChainChoice { Model = "tiny" });
        var response = await new LlmRouter(factory).RunAsync(chain, Ask(), new RecordingObserver(), CancellationToken.None);
        Assert.Equal(EmbeddedFallbackRule.ProviderName, response.Provider);
        Assert.Equal("tiny", response.Model);
        Assert.Contains(EngineUnderTest.Instance.GetLoadedModels(), m => m.Path == path && m.Name == "tiny");
        EngineUnderTest.Instance.Unload(path);
    }

    public void Dispose()
    {
        try { Directory.Delete(_store, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
