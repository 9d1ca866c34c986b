using System;
using System.IO;
using Ultra.DockerModel.Providers;
using Xunit;

namespace Ultra.DockerModel.Tests.Reliability;

/// <summary>What reaches a process: model names, prompts the CLI would rewrite, and the CLI's own noise.</summary>
[Trait("Category", "Reliability")]
public sealed class InputReliabilityTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "udm-input-" + Guid.NewGuid().ToString("N"));

    public InputReliabilityTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    [Theory]
    [InlineData("ai/smollm2\n")]
    [InlineData("ai/smollm2\r\n")]
    [InlineData("ai/smollm2\nrm -rf /")]
    [InlineData("ai/x&&id")]
    [InlineData("ai/x>out")]
    [InlineData("ai/x'y")]
    [InlineData("ai/x\"y")]
    [InlineData("ai/x\ty")]
    [InlineData("ai/x\0y")]
    [InlineData("ai/日本")]
    public void Model_names_with_line_breaks_or_shell_characters_are_refused(string name)
    {
        Assert.False(ModelReference.IsValid(name));
        Assert.Throws<InvalidModelNameException>(() => ModelReference.Validate(name));
    }

    [Fact]
    public void An_environment_variable_name_with_a_trailing_newline_is_refused()
    {
        var p = new LlmProvider { Name = "c", Kind = LlmProviderKind.OpenAICompatible, Model = "m", Endpoint = "http://127.0.0.1:9/v1", ApiKeyEnvironmentVariable = "MY_KEY\n" };
        Assert.Equal(ErrorKind.SettingsInvalid, Assert.Throws<DockerModelException>(p.Validate).Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \t\n")]
    public void An_empty_prompt_cannot_go_through_the_CLI(string prompt) => Assert.NotNull(CliPrompt.Problem(prompt));

    [Fact]
    public void At_references_to_existing_files_are_found_in_every_form_the_CLI_reads()
    {
        string file = Path.Combine(_folder, "notes.txt");
        string spaced = Path.Combine(_folder, "my notes.txt");
        File.WriteAllText(file, "x");
        File.WriteAllText(spaced, "x");
        Assert.NotNull(CliPrompt.Problem($"read @{file}"));
        Assert.NotNull(CliPrompt.Problem($"read @\"{spaced}\" now"));
        Assert.NotNull(CliPrompt.Problem($"read @'{spaced}' now"));
        Assert.NotNull(CliPrompt.Problem($"@{file}"));
    }

    [Fact]
    public void An_existing_image_path_cannot_go_through_the_CLI()
    {
        string image = Path.Combine(_folder, "cat.PNG");
        File.WriteAllBytes(image, new byte[] { 0x89, 0x50 });
        Assert.NotNull(CliPrompt.Problem($"what is in {image} ?"));
        Assert.Null(CliPrompt.Problem($"what is in {Path.Combine(_folder, "dog.png")} ?"));
    }

    [Theory]
    [InlineData("mail me@example.com about it")]
    [InlineData("@nobody/nothing-here and @")]
    [InlineData("decorators: @property @staticmethod")]
    [InlineData("a normal prompt")]
    public void Ordinary_prompts_go_through_the_CLI(string prompt) => Assert.Null(CliPrompt.Problem(prompt));

    [Theory]
    [InlineData("latest: Pulling from docker/model-runner")]
    [InlineData("latest-cuda: Pulling from docker/model-runner")]
    [InlineData("a2318d6c47ec: Pulling fs layer")]
    [InlineData("a2318d6c47ec: Waiting")]
    [InlineData("a2318d6c47ec: Downloading [=====>     ]  12.5MB/100MB")]
    [InlineData("a2318d6c47ec: Pull complete")]
    [InlineData("4f4fb700ef54: Already exists")]
    [InlineData("Digest: sha256:0d4b3d5c25b2e4a0a0f7a5e5b5c4a6d1c3b2e8f9a0b1c2d3e4f5a6b7c8d9e0f1")]
    [InlineData("Status: Downloaded newer image for docker/model-runner:latest")]
    [InlineData("Status: Image is up to date for docker/model-runner:latest")]
    [InlineData("Successfully pulled docker/model-runner:latest")]
    [InlineData("Creating model storage volume docker-model-runner-models...")]
    [InlineData("Starting model runner container docker-model-runner...")]
    public void Runner_auto_install_lines_are_noise(string line)
    {
        Assert.True(DockerCliNoise.IsNoiseLine(line));
        for (int i = 0; i <= line.Length; i++) Assert.True(DockerCliNoise.CouldBecomeNoiseLine(line.Substring(0, i)), line.Substring(0, i));
    }

    [Theory]
    [InlineData("You said: hello")]
    [InlineData("Status: fine")]
    [InlineData("Digest: short")]
    [InlineData("deadbeef: Waiting")]
    [InlineData("Note: Pulling from the well")]
    [InlineData("Héllo")]
    public void Answers_are_not_noise(string line) => Assert.False(DockerCliNoise.IsNoiseLine(line));

    [Theory]
    [InlineData("You ")]
    [InlineData("Hello, world")]
    [InlineData("Note: the")]
    [InlineData("日本")]
    public void An_answer_is_released_as_soon_as_it_cannot_be_noise(string partial) => Assert.False(DockerCliNoise.CouldBecomeNoiseLine(partial));
}
