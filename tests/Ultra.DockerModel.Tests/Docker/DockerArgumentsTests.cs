using System;
using System.IO;
using System.Threading.Tasks;
using Ultra.DockerModel.Tests.Reliability;
using Xunit;

namespace Ultra.DockerModel.Tests.Docker;

/// <summary>
/// Issue 10 item 8: every docker command gets the normalized name. model-cli v0.1.42 (older Desktop CLIs) reads a
/// name without '/' as an id ("invalid model name: smollm2"), so 'smollm2' must reach docker as 'ai/smollm2:latest'.
/// A fake docker records the arguments it was given.
/// </summary>
public sealed class DockerArgumentsTests : IDisposable
{
    private const string NoSh = "the fake docker is a sh script";
    private const string ModelJson = "{\"id\":\"sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9\",\"tags\":[\"ai/smollm2:latest\"],\"config\":{}}";
    private readonly FakeDocker _fake = new();

    public void Dispose() => _fake.Dispose();

    [SkippableTheory]
    [InlineData("inspect")]
    [InlineData("inspect --remote")]
    [InlineData("pull")]
    [InlineData("unload")]
    [InlineData("configure")]
    [InlineData("configure show")]
    public async Task A_short_name_reaches_docker_normalized(string command)
    {
        Skip.If(OperatingSystem.IsWindows(), NoSh);
        string log = Path.Combine(_fake.Folder, "args.log");
        var cli = _fake.Command($"printf '%s\\n' \"$@\" > '{log}'").Stdout(command == "configure show" ? "[]\n" : ModelJson + "\n").Build();
        var docker = new DockerModelClient(cli);
        Task call = command switch
        {
            "inspect" => docker.InspectAsync("smollm2", default),
            "inspect --remote" => docker.GetRemoteIdAsync("smollm2", default),
            "pull" => docker.PullAsync("smollm2", null, default),
            "unload" => docker.UnloadAsync("smollm2", default),
            "configure" => docker.ConfigureAsync("smollm2", new ModelConfigurationChange { ContextSize = 8192 }, default),
            _ => docker.GetConfigurationsAsync("smollm2", default),
        };
        await call;
        var args = File.ReadAllLines(log);
        Assert.Contains("ai/smollm2:latest", args);
        Assert.DoesNotContain("smollm2", args);
    }
}
