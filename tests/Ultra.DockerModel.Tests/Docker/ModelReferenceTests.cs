using Xunit;

namespace Ultra.DockerModel.Tests.Docker
{
    public class ModelReferenceTests
    {
        [Theory]
        [InlineData("smollm2", "ai/smollm2:latest")]
        [InlineData("ai/smollm2", "ai/smollm2:latest")]
        [InlineData("AI/SmolLM2:360M-Q4_K_M", "ai/smollm2:360M-Q4_K_M")]
        [InlineData("docker.io/ai/gemma3", "ai/gemma3:latest")]
        [InlineData("hf.co/Org/Repo:Q4_K_M", "huggingface.co/org/repo:Q4_K_M")]
        [InlineData("myregistry.local:5000/org/m", "myregistry.local:5000/org/m:latest")]
        public void Normalize_follows_the_runner_rules(string input, string expected) =>
            Assert.Equal(expected, ModelReference.Normalize(input));

        [Theory]
        [InlineData("ai/smollm2; rm -rf /")]
        [InlineData("-rf")]
        [InlineData("a b")]
        [InlineData("$(whoami)")]
        [InlineData("m|x")]
        [InlineData("m`x")]
        [InlineData("")]
        public void Shell_metacharacters_are_refused(string name)
        {
            Assert.False(ModelReference.IsValid(name));
            Assert.Throws<InvalidModelNameException>(() => ModelReference.Validate(name));
        }

        [Fact]
        public void A_name_without_tag_matches_every_tag_of_its_repository()
        {
            var model = new LocalModel { Id = "sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9", Tags = new[] { "ai/smollm2:latest", "ai/smollm2:360M-Q4_K_M" } };
            Assert.True(ModelReference.Matches(model, "smollm2"));
            Assert.True(ModelReference.Matches(model, "ai/smollm2:360M-Q4_K_M"));
            Assert.True(ModelReference.Matches(model, "354bf30d0aa3"));
            Assert.False(ModelReference.Matches(model, "ai/smollm2:135M-Q2_K"));
            Assert.False(ModelReference.Matches(model, "llama3.2"));
            Assert.Equal("354bf30d0aa3", model.ShortId);
        }

        [Theory]
        [InlineData("256.35 MiB", 268_802_458L)]
        [InlineData("256.35MiB", 268_802_458L)]
        [InlineData("12.58MB", 12_580_000L)]
        [InlineData("1.87 GiB", 2_007_897_211L)]
        [InlineData("0.00B", 0L)]
        public void Sizes_parse_in_both_unit_systems(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

        [Fact]
        public void Sizes_format_readable() => Assert.Equal("256.35 MiB", ByteSize.Format(268_802_458L));
    }
}
