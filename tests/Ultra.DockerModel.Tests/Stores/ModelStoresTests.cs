using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using RegistryKit;
using Ultra.DockerModel.Registry;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Stores;
using Ultra.DockerModel.Tests.Registry;
using Xunit;

namespace Ultra.DockerModel.Tests.Stores;

/// <summary>The stores on disk without a registry: Docker's read only, the module's written in Docker's layout, both listed as one.</summary>
public class ModelStoresTests
{
    private static readonly ModelArtifact Tiny = ModelArtifact.Create(4096, seed: 21);
    private static readonly ModelArtifact Other = ModelArtifact.Create(4096, seed: 22);

    private static void AddToModuleStore(ModuleStore store, ModelArtifact artifact, string tag)
    {
        foreach (var blob in artifact.Blobs)
        {
            string path = store.BlobPath(blob.Digest);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, blob.Bytes);
        }
        store.AddModel(OciManifest.Parse(artifact.Manifest, tag), tag, CancellationToken.None);
    }

    [Fact]
    public void Docker_s_store_is_listed_with_GGUF_paths_and_never_changed()
    {
        using var docker = new TempStore();
        DockerStoreWriter.Write(docker.Root, (Tiny, new[] { "docker.io/ai/tiny:latest", "docker.io/ai/tiny:F16" }), (Other, Array.Empty<string>()));
        var before = DockerStoreWriter.Snapshot(docker.Root);

        var models = new ModelStore(docker.Root, ModelStoreKind.DockerStore).List();
        var stores = new ModelStores(new ModuleStore(Path.Combine(docker.Root, "..", Path.GetRandomFileName())), new ModelStore(docker.Root, ModelStoreKind.DockerStore));
        var found = stores.FindGguf("tiny:F16");

        var tiny = models.Single(m => m.Id == Tiny.ManifestDigest);
        Assert.Equal(new[] { "ai/tiny:latest", "ai/tiny:F16" }, tiny.Tags);
        Assert.Equal("ai/tiny:latest", tiny.Name);
        Assert.Equal(ModelStoreKind.DockerStore, tiny.Store);
        Assert.Equal(new[] { docker.Blob(Tiny.GgufLayer.Digest) }, tiny.GgufPath);
        Assert.Equal(("llama", "F16", 2048, (long?)4096), (tiny.Architecture, tiny.Quantization, tiny.ContextSize, tiny.Size));
        Assert.Equal(new DateTime(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc), tiny.Created);
        Assert.Equal(Tiny.ManifestDigest, found.Id);
        Assert.Equal(Other.ManifestDigest, models.Single(m => m.Tags.Count == 0).Name); // untagged: named by id

        var after = DockerStoreWriter.Snapshot(docker.Root);
        Assert.Equal(before.Keys.OrderBy(k => k), after.Keys.OrderBy(k => k));
        foreach (var (file, (bytes, written)) in before)
            Assert.True(bytes.SequenceEqual(after[file].Bytes) && written == after[file].Written, file + " changed");
    }

    [Fact]
    public void A_model_in_both_stores_is_listed_once_with_both_flags()
    {
        using var docker = new TempStore();
        using var module = new TempStore();
        DockerStoreWriter.Write(docker.Root, (Tiny, new[] { "docker.io/ai/tiny:latest" }));
        AddToModuleStore(module.Store, Tiny, "127.0.0.1:5000/ai/tiny:latest");
        AddToModuleStore(module.Store, Other, "127.0.0.1:5000/ai/other:latest");

        var all = new ModelStores(module.Store, new ModelStore(docker.Root, ModelStoreKind.DockerStore)).List();

        Assert.Equal(2, all.Count);
        var tiny = all.Single(m => m.Id == Tiny.ManifestDigest);
        Assert.Equal(ModelStoreKind.ModuleStore | ModelStoreKind.DockerStore, tiny.Store);
        Assert.Equal(new[] { "127.0.0.1:5000/ai/tiny:latest", "ai/tiny:latest" }, tiny.Tags);
        Assert.Equal(new[] { module.Blob(Tiny.GgufLayer.Digest) }, tiny.GgufPath); // the module's store comes first
    }

    [Fact]
    public void FindGguf_matches_names_as_Get_LocalModel_does_and_needs_every_GGUF_blob()
    {
        using var module = new TempStore();
        AddToModuleStore(module.Store, Tiny, "docker.io/ai/tiny:latest");
        var stores = new ModelStores(module.Store, null);

        foreach (string name in new[] { "tiny", "ai/tiny", "ai/tiny:latest", "docker.io/ai/tiny:latest", Tiny.ManifestDigest[7..19] })
            Assert.Equal(new[] { module.Blob(Tiny.GgufLayer.Digest) }, stores.FindGguf(name).GgufPath);
        Assert.Throws<ModelNotFoundException>(() => stores.FindGguf("ai/tiny:other"));
        Assert.Throws<InvalidModelNameException>(() => stores.FindGguf("ai/tiny; rm -rf /"));

        File.Delete(module.Blob(Tiny.GgufLayer.Digest));
        Assert.Empty(module.Store.List().Single().GgufPath);
        Assert.Throws<ModelNotFoundException>(() => stores.FindGguf("tiny"));
    }

    [Fact]
    public void Removing_a_tag_keeps_the_model_and_removing_the_model_keeps_shared_blobs()
    {
        using var module = new TempStore();
        var store = module.Store;
        AddToModuleStore(store, Tiny, "docker.io/ai/tiny:latest");
        store.AddModel(OciManifest.Parse(Tiny.Manifest, "t"), "docker.io/ai/tiny:F16", CancellationToken.None);
        AddToModuleStore(store, Other, "docker.io/ai/other:latest");

        Assert.True(store.Remove(Tiny.ManifestDigest, "docker.io/ai/tiny:F16", CancellationToken.None));
        Assert.Equal(new[] { "ai/tiny:latest" }, store.List().Single(m => m.Id == Tiny.ManifestDigest).Tags);
        Assert.False(store.Remove(Tiny.ManifestDigest, "docker.io/ai/tiny:nope", CancellationToken.None));

        Assert.True(store.Remove(Tiny.ManifestDigest, null, CancellationToken.None));
        Assert.Equal(new[] { Other.ManifestDigest }, store.List().Select(m => m.Id));
        Assert.False(File.Exists(module.Blob(Tiny.GgufLayer.Digest)));
        Assert.False(File.Exists(store.ManifestPath(Tiny.ManifestDigest)));
        Assert.True(File.Exists(module.Blob(Tiny.Layers[1].Digest))); // the licence, which the other model uses too
        Assert.False(store.Remove(Tiny.ManifestDigest, null, CancellationToken.None));
    }

    [Fact]
    public void A_model_is_only_recorded_once_all_its_blobs_are_there()
    {
        using var module = new TempStore();
        Assert.Throws<InvalidOperationException>(() => module.Store.AddModel(OciManifest.Parse(Tiny.Manifest, "t"), "docker.io/ai/tiny:latest", CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(module.Root, "models.json")));
    }

    [Fact]
    public void The_module_store_folder_follows_variable_then_setting_then_home_then_platform()
    {
        static Func<string, string?> Env(params (string, string)[] vars) => name => vars.FirstOrDefault(v => v.Item1 == name).Item2;
        var settings = new ModuleSettings { ModelStorePath = "/from/setting" };
        Assert.Equal("/from/env", StoreLocations.ModuleStore(settings, Env((StoreLocations.ModuleStoreVariable, "/from/env"))));
        Assert.Equal("/from/setting", StoreLocations.ModuleStore(settings, Env((SettingsStore.HomeVariable, "/home/x"))));
        Assert.Equal(Path.Combine("/home/x", "models"), StoreLocations.ModuleStore(null, Env((SettingsStore.HomeVariable, "/home/x"))));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal("/xdg/ultra-dockermodel/models", StoreLocations.ModuleStore(null, Env(("XDG_DATA_HOME", "/xdg"))));
            Assert.Equal("/u/.local/share/ultra-dockermodel/models", StoreLocations.ModuleStore(null, Env(("HOME", "/u"))));
        }
    }

    [Fact]
    public void Docker_s_store_is_MODELS_PATH_else_a_store_in_docker_models()
    {
        using var home = new TempStore();
        Assert.Equal("/m", StoreLocations.DockerStore(name => name == "MODELS_PATH" ? "/m" : null));
        string desktop = Path.Combine(home.Root, ".docker", "models");
        Func<string, string?> env = name => name is "HOME" or "USERPROFILE" ? home.Root : name == "XDG_DATA_HOME" ? home.Root : null;
        Assert.NotEqual(desktop, StoreLocations.DockerStore(env)); // no store there yet
        DockerStoreWriter.Write(desktop, (Tiny, new[] { "docker.io/ai/tiny:latest" }));
        Assert.Equal(desktop, StoreLocations.DockerStore(env));
    }

    [Fact]
    public void A_corrupt_index_names_the_file_and_is_left_as_it_is()
    {
        using var module = new TempStore();
        string index = Path.Combine(module.Root, "models.json");
        File.WriteAllText(index, "not json");
        var e = Assert.Throws<ModelStoreException>(() => module.Store.List());
        Assert.Contains(index, e.Message);
        Assert.Equal(ErrorKind.StoreInvalid, e.Kind);
        Assert.Throws<ModelStoreException>(() => module.Store.Remove(Tiny.ManifestDigest, null, CancellationToken.None));
        Assert.Equal("not json", File.ReadAllText(index));
    }
}
