using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ultra.DockerModel.Routing;
using Xunit;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>The default fallback to the embedded engine (issue 13 item 2): the chain it makes, without I/O.</summary>
public sealed class EmbeddedFallbackRuleTests
{
    private static ProviderChain Resolve(EmbeddedFallbackRule rule, ChainChoice choice, params LlmProvider[] saved) =>
        new ChainPolicy(ChainPolicy.StandardRules.Append(rule)).Resolve(new SavedChain(saved), choice);

    private static EmbeddedFallbackRule Rule(bool inStore = true, string? noRunner = null, bool enabled = true, bool autoPull = false) =>
        new(enabled, autoPull, _ => inStore, () => noRunner);

    private static string[] Names(ProviderChain chain) => chain.Providers.Select(p => $"{p.Name}:{p.Kind}:{p.Model}").ToArray();

    [Fact]
    public void Without_docker_the_embedded_engine_alone_runs_the_stored_model_and_says_why()
    {
        var chain = Resolve(Rule(noRunner: "Docker is not installed (no docker on PATH)"), new ChainChoice { Model = "ai/tiny" });
        Assert.Equal(new[] { "Embedded:Embedded:ai/tiny" }, Names(chain));
        Assert.Equal("Docker is not installed (no docker on PATH): running 'ai/tiny' in-process with the embedded engine.", Assert.Single(chain.Notes));
        Assert.True(chain.ServesRequestedModel(chain.Providers[0]));
    }

    [Fact]
    public void With_docker_the_runner_comes_first_and_the_embedded_engine_after_it()
    {
        var chain = Resolve(Rule(), new ChainChoice { Model = "tiny" });
        Assert.Equal(new[] { "DockerModelRunner:DockerModelRunner:tiny", "Embedded:Embedded:tiny" }, Names(chain));
        Assert.Empty(chain.Notes);
        Assert.True(chain.ServesRequestedModel(chain.Providers[1])); // ai/tiny:latest either way: a ModelNotFound from the runner still lets it answer
    }

    [Fact]
    public void A_configured_chain_the_setting_off_a_named_provider_or_no_stored_model_add_nothing()
    {
        var saved = Chain.Dmr("local", "ai/tiny");
        Assert.Equal(new[] { "DockerModelRunner:DockerModelRunner:ai/other", "local:DockerModelRunner:ai/tiny" },
            Names(Resolve(Rule(noRunner: "no docker"), new ChainChoice { Model = "ai/other" }, saved)));
        Assert.Equal(new[] { "DockerModelRunner:DockerModelRunner:ai/tiny" }, Names(Resolve(Rule(enabled: false, noRunner: "no docker"), new ChainChoice { Model = "ai/tiny" })));
        Assert.Equal(new[] { "DockerModelRunner:DockerModelRunner:ai/tiny" }, Names(Resolve(Rule(inStore: false, noRunner: "no docker"), new ChainChoice { Model = "ai/tiny" })));
        Assert.Equal(new[] { "local:DockerModelRunner:ai/tiny" }, Names(Resolve(Rule(noRunner: "no docker"), new ChainChoice { Model = "ai/tiny", Provider = "local" }, saved)));
        Assert.Equal(new[] { "local:DockerModelRunner:ai/tiny" }, Names(Resolve(Rule(noRunner: "no docker"), new ChainChoice(), saved)));
    }

    [Fact]
    public void With_autopull_a_model_in_no_store_may_still_be_fetched_for_the_embedded_engine()
    {
        var chain = Resolve(Rule(inStore: false, autoPull: true, noRunner: "no docker"), new ChainChoice { Model = "ai/tiny" });
        Assert.Equal(new[] { "Embedded:Embedded:ai/tiny" }, Names(chain));
    }

    [Fact]
    public void NoFallback_keeps_the_first_provider_the_rules_chose()
    {
        Assert.Equal(new[] { "DockerModelRunner:DockerModelRunner:ai/tiny" }, Names(Resolve(Rule(), new ChainChoice { Model = "ai/tiny", NoFallback = true })));
        Assert.Equal(new[] { "Embedded:Embedded:ai/tiny" }, Names(Resolve(Rule(noRunner: "no docker"), new ChainChoice { Model = "ai/tiny", NoFallback = true })));
    }
}

/// <summary>Whether `docker model` could run, read from the file system as the docker client finds its plugins.</summary>
public sealed class DockerPresenceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "udm-presence-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _env = new();

    public DockerPresenceTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        Directory.CreateDirectory(Path.Combine(_root, "config", "cli-plugins"));
        _env["PATH"] = Path.Combine(_root, "nothing") + Path.PathSeparator + Path.Combine(_root, "bin");
        _env["DOCKER_CONFIG"] = Path.Combine(_root, "config");
        _env["HOME"] = _env["USERPROFILE"] = _root;
        _env["ProgramData"] = _env["ProgramFiles"] = Path.Combine(_root, "system");
    }

    private string? Why() => DockerPresence.WhyMissing(name => _env.TryGetValue(name, out var v) ? v : null);
    private static string Exe(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    [Fact]
    public void No_docker_on_path_then_no_plugin_then_present()
    {
        Assert.Equal("Docker is not installed (no docker on PATH)", Why());
        File.WriteAllText(Path.Combine(_root, "bin", Exe("docker")), "");
        Assert.Contains("plugin is not installed", Why());
        File.WriteAllText(Path.Combine(_root, "config", "cli-plugins", Exe("docker-model")), "");
        Assert.Null(Why());
    }

    [Fact]
    public void A_plugin_in_the_config_files_extra_folders_counts()
    {
        File.WriteAllText(Path.Combine(_root, "bin", Exe("docker")), "");
        string extra = Path.Combine(_root, "extra plugins");
        Directory.CreateDirectory(extra);
        File.WriteAllText(Path.Combine(extra, Exe("docker-model")), "");
        File.WriteAllText(Path.Combine(_root, "config", "config.json"), "{\"cliPluginsExtraDirs\": [" + System.Text.Json.JsonSerializer.Serialize(extra) + "]}");
        Assert.Null(Why());
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void An_embedded_entry_serves_a_Docker_name_as_Docker_normalizes_it_and_a_gguf_file_by_any_spelling()
    {
        var named = new LlmProvider { Name = "e", Kind = LlmProviderKind.Embedded, Model = "ai/tiny" };
        Assert.True(named.ServesModel("docker.io/ai/tiny:latest"));
        Assert.True(named.ServesModel("tiny"));
        Assert.False(named.ServesModel("ai/tiny:Q8"));
        Assert.False(named.ServesModel("./ai/tiny.gguf"));

        string file = Path.Combine(Path.GetTempPath(), "models", "tiny.gguf");
        var path = new LlmProvider { Name = "f", Kind = LlmProviderKind.Embedded, Model = file };
        Assert.True(path.ServesModel(file));
        Assert.True(path.ServesModel(Path.GetRelativePath(Environment.CurrentDirectory, file)));
        Assert.True(path.ServesModel(Path.Combine(Path.GetTempPath(), "models", "..", "models", "tiny.gguf")));
        Assert.False(path.ServesModel(Path.Combine(Path.GetTempPath(), "models", "other.gguf")));
        Assert.False(path.ServesModel("ai/tiny"));
        Assert.True(path.SameTarget(new LlmProvider { Name = "g", Kind = LlmProviderKind.Embedded, Model = Path.Combine(Path.GetTempPath(), ".", "models", "tiny.gguf") }));
    }
}
