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

        // Issue 10 item 9: Docker's reference grammar, checked before any process starts.
        [Theory]
        [InlineData("ai/")]
        [InlineData("ai/../x")]
        [InlineData("ai/./x")]
        [InlineData("ai//x")]
        [InlineData("/ai/x")]
        [InlineData("ai/x:")]
        [InlineData("ai/x:-tag")]
        [InlineData("ai/smol lm2")]
        [InlineData(" ai/smollm2")]
        [InlineData("ai/smollm2 ")]
        [InlineData("ai/smollm2\t")]
        [InlineData("ai/smollm2:lat est")]
        [InlineData("ai/x..y")]
        [InlineData("ai/-x")]
        [InlineData("ai/x-")]
        public void Empty_dot_dot_and_white_space_names_are_refused(string name)
        {
            Assert.False(ModelReference.IsValid(name));
            Assert.Throws<InvalidModelNameException>(() => ModelReference.Validate(name));
        }

        [Theory]
        [InlineData("smollm2")]
        [InlineData("ai/smollm2:360M-Q4_K_M")]
        [InlineData("ai/llama3.2:1B-Q8_0")]
        [InlineData("ai/qwen3:30B-A3B-Q4_K_M")]
        [InlineData("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_S")]
        [InlineData("huggingface.co/unsloth/Qwen3-4B-GGUF")]
        [InlineData("registry.local:5000/ai/x:1B")]
        [InlineData("localhost:5000/team/my_model__v2:v1.0")]
        [InlineData("ghcr.io/ilopezluna/smollm2")]
        [InlineData("354bf30d0aa3")]
        [InlineData("sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9")]
        [InlineData("ai/smollm2@sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9")]
        public void Real_names_and_ids_are_valid(string name) => Assert.True(ModelReference.IsValid(name));

        // Issue 10 item 9: DEFAULT_REGISTRY names the registry that plain names come from (upstream's
        // stripDefaultsFromModelName), so its tags match and show as the short names.
        [Fact]
        public void Tags_stored_under_DEFAULT_REGISTRY_are_the_plain_names()
        {
            Assert.Equal("ai/x:1B", ModelReference.Normalize("registry.local:5000/ai/x:1B", "registry.local:5000"));
            Assert.Equal("ai/x:1B", ModelReference.Normalize("registry.local:5000/ai/x:1B", "registry.local:5000/"));
            Assert.Equal("registry.local:5000/ai/x:1B", ModelReference.Normalize("registry.local:5000/ai/x:1B", null));
            // With another default registry, Docker Hub's prefix is a registry like any other (as upstream shows it).
            Assert.Equal("docker.io/ai/x:latest", ModelReference.Normalize("docker.io/ai/x", "registry.local:5000"));
            Assert.Equal("ai/x:latest", ModelReference.Normalize("docker.io/ai/x", "docker.io"));
        }

        [Fact]
        public void Only_a_name_with_a_tag_after_the_last_slash_names_one_tag()
        {
            Assert.True(ModelReference.HasExplicitTag("ai/x:1B"));
            Assert.True(ModelReference.HasExplicitTag("registry.local:5000/ai/x:1B"));
            Assert.False(ModelReference.HasExplicitTag("registry.local:5000/ai/x"));
            Assert.False(ModelReference.HasExplicitTag("ai/x"));
            Assert.False(ModelReference.HasExplicitTag("354bf30d0aa3"));
            Assert.False(ModelReference.HasExplicitTag("sha256:" + new string('a', 64)));
            Assert.False(ModelReference.HasExplicitTag("ai/x@sha256:" + new string('a', 64)));
        }

        [Theory]
        [InlineData("256.35 MiB", 268_802_458L)]
        [InlineData("256.35MiB", 268_802_458L)]
        [InlineData("12.58MB", 12_580_000L)]
        [InlineData("1.87 GiB", 2_007_897_211L)]
        [InlineData("0.00B", 0L)]
        public void Sizes_parse_in_both_unit_systems(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

        // Issue 10 item 10: every unit upstream prints. The GGUF parser (gguf-parser-go GGUFBytesScalar) mixes binary and
        // decimal units by size (KB is decimal there), trims ".00" and newer packagers drop the space; go-units'
        // CustomSize (pull progress, df, safetensors/dduf sizes) writes "kB" and rounds 999,999 bytes to "1000.00kB".
        [Theory]
        [InlineData("512 B", 512L)]
        [InlineData("512B", 512L)]
        [InlineData("0 B", 0L)]
        [InlineData("1.5 KB", 1_500L)]
        [InlineData("1.5KB", 1_500L)]
        [InlineData("1.50kB", 1_500L)]
        [InlineData("1000.00kB", 1_000_000L)]
        [InlineData("976.56 KiB", 999_997L)]
        [InlineData("976.56KiB", 999_997L)]
        [InlineData("1 MB", 1_000_000L)]
        [InlineData("1 MiB", 1_048_576L)]
        [InlineData("1.02 MB", 1_020_000L)]
        [InlineData("4.07 GB", 4_070_000_000L)]
        [InlineData("4GiB", 4_294_967_296L)]
        [InlineData("1.5 TB", 1_500_000_000_000L)]
        [InlineData("1.5TiB", 1_649_267_441_664L)]
        [InlineData("2.25PB", 2_250_000_000_000_000L)]
        [InlineData("1PiB", 1_125_899_906_842_624L)]
        public void Every_unit_upstream_prints_parses(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

        // A CNCF (ModelPack) model's "size" holds its parameter count; n/a is upstream's FormatSize for zero.
        [Theory]
        [InlineData("0.6B")]
        [InlineData("8b")]
        [InlineData("361.82 M")]
        [InlineData("1.5B")]
        [InlineData("n/a")]
        [InlineData("iB")]
        public void Parameter_counts_and_non_sizes_are_no_byte_count(string text) => Assert.Null(ByteSize.Parse(text));

        [Fact]
        public void Sizes_format_readable() => Assert.Equal("256.35 MiB", ByteSize.Format(268_802_458L));
    }
}
