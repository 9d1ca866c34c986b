using Xunit;

namespace Ultra.DockerModel.Tests.Models
{
    /// <summary>Issue 10 item 6: what Remove-LocalModel decides to do, before it asks (upstream's rm semantics).</summary>
    public class ModelRemovalTests
    {
        private static readonly LocalModel Gemma = new()
        {
            Name = "ai/gemma3:latest",
            Id = "sha256:" + new string('a', 64),
            Tags = new[] { "ai/gemma3:latest", "ai/gemma3:4B", "ai/gemma3:4B-Q4_K_M" },
            Size = 2_480_343_613,
        };

        private static readonly LocalModel Smol = new()
        {
            Name = "ai/smollm2:latest",
            Id = "sha256:" + new string('b', 64),
            Tags = new[] { "ai/smollm2:latest" },
            Size = 268_802_458,
        };

        [Theory]
        [InlineData("gemma3")]
        [InlineData("ai/gemma3")]
        [InlineData("aaaaaaaaaaaa")]
        public void A_repository_name_or_an_id_removes_the_whole_model(string name)
        {
            var r = ModelRemoval.ForName(Gemma, name);
            Assert.False(r.UntagOnly);
            Assert.Equal("Remove model", r.Action);
            Assert.Equal("model 'ai/gemma3:latest' (2.31 GiB) and all its 3 tags: ai/gemma3:latest, ai/gemma3:4B, ai/gemma3:4B-Q4_K_M", r.Target);
        }

        [Theory]
        [InlineData("ai/gemma3:4B", "ai/gemma3:4B")]
        [InlineData("gemma3:4B", "ai/gemma3:4B")]
        [InlineData("ai/gemma3:latest", "ai/gemma3:latest")]
        public void A_name_with_its_tag_untags_that_tag_only(string name, string tag)
        {
            var r = ModelRemoval.ForName(Gemma, name);
            Assert.True(r.UntagOnly);
            Assert.Equal(tag, r.Tag);
            Assert.Equal(2, r.KeptTags.Count);
            Assert.DoesNotContain(tag, r.KeptTags);
            Assert.StartsWith("Untag", r.Action);
            Assert.StartsWith($"tag '{tag}' only; model (2.31 GiB) stays installed as ", r.Target);
        }

        [Fact]
        public void Naming_the_only_tag_removes_the_model_as_the_runner_would()
        {
            var r = ModelRemoval.ForName(Smol, "ai/smollm2:latest");
            Assert.False(r.UntagOnly);
            Assert.Equal("model 'ai/smollm2:latest' (256.35 MiB)", r.Target);
        }

        [Fact]
        public void A_piped_model_is_removed_whole() => Assert.False(ModelRemoval.WholeModel(Gemma).UntagOnly);

        [Fact]
        public void An_unknown_size_is_left_out() =>
            Assert.Equal("model 'ai/x:latest'", ModelRemoval.WholeModel(new LocalModel { Name = "ai/x:latest", Tags = new[] { "ai/x:latest" } }).Target);
    }
}
