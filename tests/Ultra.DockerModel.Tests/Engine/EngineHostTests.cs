using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Ultra.DockerModel.Engine;
using Xunit;

namespace Ultra.DockerModel.Tests.Engine;

/// <summary>
/// Loading the engine from a broken copy of embedded/: the failure names the file and the OS's reason, is raised
/// again (not retried) on every use, and leaves the process's working engine untouched. Each host has its own load
/// context, so the broken copy never touches the real engine's LLamaSharp.
/// </summary>
[Collection(EngineCollection.Name)]
public class EngineHostTests(ModelFolder models)
{
    private string CopyManaged(string name)
    {
        string dir = Path.Combine(models.Path, name);
        Directory.CreateDirectory(dir);
        foreach (string dll in Directory.GetFiles(EngineUnderTest.Directory(), "*.dll")) File.Copy(dll, Path.Combine(dir, Path.GetFileName(dll)));
        return dir;
    }

    private static string NativeFolder(string engine) => Path.Combine(engine, "runtimes", RuntimeInformation.RuntimeIdentifier.StartsWith("win", StringComparison.Ordinal) ? "win-x64" : "linux-x64", "native");

    [SkippableFact]
    public void A_native_library_that_will_not_load_is_one_clear_error_and_the_process_keeps_its_engine()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64, "the broken copy is laid out for linux-x64");
        var working = EngineUnderTest.Instance; // the real engine, loaded first
        string broken = CopyManaged("broken-natives");
        foreach (string level in new[] { "avx512", "avx2", "avx", "noavx" })
        {
            string folder = Path.Combine(NativeFolder(broken), level);
            Directory.CreateDirectory(folder);
            foreach (string lib in new[] { "libggml-base.so", "libggml-cpu.so", "libggml.so", "libllama.so" })
                File.WriteAllText(Path.Combine(folder, lib), "not an ELF file");
        }
        var host = new EmbeddedEngineHost(broken);
        var first = Assert.Throws<DockerModelException>(() => host.GetEngine());
        Assert.Equal(ErrorKind.EngineUnavailable, first.Kind);
        Assert.Contains("libggml-base.so", first.Message);
        Assert.Contains("could not be loaded", first.Message);
        Assert.NotNull(first.RawError); // the loader's own words
        var again = Assert.Throws<DockerModelException>(() => host.GetEngine());
        Assert.Equal(first.Message, again.Message);
        Assert.Null(host.Loaded);
        // The process keeps its working engine: the broken copy never touched it.
        var answer = working.CreateChatClient(models.Tiny, EngineUnderTest.Options()).GetResponseAsync(EngineUnderTest.User("hi"), new Microsoft.Extensions.AI.ChatOptions { MaxOutputTokens = 2 }).GetAwaiter().GetResult();
        Assert.NotNull(answer.Usage);
    }

    [Fact]
    public void An_engine_folder_without_natives_for_this_platform_says_which_it_ships()
    {
        var host = new EmbeddedEngineHost(CopyManaged("no-natives"));
        var e = Assert.Throws<DockerModelException>(() => host.GetEngine());
        Assert.Equal(ErrorKind.EngineUnavailable, e.Kind);
        Assert.Contains("no native llama.cpp build for", e.Message);
        Assert.Contains("linux-x64, win-x64, osx-arm64 and osx-x64", e.Message);
    }

    [Fact]
    public void A_missing_engine_folder_is_a_clear_error()
    {
        var e = Assert.Throws<DockerModelException>(() => new EmbeddedEngineHost(Path.Combine(models.Path, "nowhere")).GetEngine());
        Assert.Equal(ErrorKind.EngineUnavailable, e.Kind);
        Assert.Contains("is missing", e.Message);
    }
}
