using Ultra.DockerModel.Registry;
using Xunit;

namespace Ultra.DockerModel.Tests.Registry;

public class RegistryReferenceTests
{
    private const string Digest = "sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9";

    [Theory]
    [InlineData("ai/smollm2", "https://registry-1.docker.io/v2/ai/smollm2/", "latest", "docker.io/ai/smollm2:latest")]
    [InlineData("smollm2", "https://registry-1.docker.io/v2/ai/smollm2/", "latest", "docker.io/ai/smollm2:latest")]
    [InlineData("docker.io/ai/smollm2:latest", "https://registry-1.docker.io/v2/ai/smollm2/", "latest", "docker.io/ai/smollm2:latest")]
    [InlineData("index.docker.io/ai/SmolLM2:360M-Q4_K_M", "https://registry-1.docker.io/v2/ai/smollm2/", "360M-Q4_K_M", "docker.io/ai/smollm2:360M-Q4_K_M")]
    [InlineData("registry-1.docker.io/smollm2", "https://registry-1.docker.io/v2/ai/smollm2/", "latest", "docker.io/ai/smollm2:latest")]
    [InlineData("127.0.0.1:5000/ai/tiny:chat", "http://127.0.0.1:5000/v2/ai/tiny/", "chat", "127.0.0.1:5000/ai/tiny:chat")]
    [InlineData("localhost:5000/tiny", "http://localhost:5000/v2/tiny/", "latest", "localhost:5000/tiny:latest")]
    [InlineData("localhost/org/tiny", "http://localhost/v2/org/tiny/", "latest", "localhost/org/tiny:latest")]
    [InlineData("models.local/org/tiny:1", "http://models.local/v2/org/tiny/", "1", "models.local/org/tiny:1")]
    [InlineData("ghcr.io/org/tiny:1", "https://ghcr.io/v2/org/tiny/", "1", "ghcr.io/org/tiny:1")]
    [InlineData("10.0.0.5:5000/org/tiny", "https://10.0.0.5:5000/v2/org/tiny/", "latest", "10.0.0.5:5000/org/tiny:latest")]
    public void References_map_to_Docker_s_registry_URLs_and_store_tags(string input, string uri, string tag, string storeTag)
    {
        var r = RegistryReference.Parse(input);
        Assert.Equal(uri, r.RepositoryUri.ToString());
        Assert.Equal(tag, r.Tag);
        Assert.Equal(storeTag, r.StoreTag);
        Assert.Null(r.Digest);
    }

    [Fact]
    public void A_digest_pins_the_manifest_and_a_digest_alone_gives_no_tag()
    {
        var pinned = RegistryReference.Parse("ai/smollm2@" + Digest);
        Assert.Equal((Digest, (string?)null, (string?)null), (pinned.ManifestReference, pinned.Tag, pinned.StoreTag));
        Assert.Equal("ai/smollm2@" + Digest, pinned.ToString());

        var both = RegistryReference.Parse("ai/smollm2:1B@" + Digest);
        Assert.Equal((Digest, "1B", "docker.io/ai/smollm2:1B"), (both.ManifestReference, both.Tag, both.StoreTag));
    }

    [Fact]
    public void DEFAULT_REGISTRY_names_the_registry_of_a_reference_that_names_none_and_INSECURE_REGISTRY_allows_http()
    {
        var r = RegistryReference.Parse("smollm2", "registry.example:5000", insecure: false);
        Assert.Equal("https://registry.example:5000/v2/ai/smollm2/", r.RepositoryUri.ToString());
        Assert.Equal("registry.example:5000/ai/smollm2:latest", r.StoreTag);
        Assert.Equal("ai/smollm2:latest", r.ToString());
        Assert.Equal("http://ghcr.io/v2/org/x/", RegistryReference.Parse("ghcr.io/org/x", null, insecure: true).RepositoryUri.ToString());
    }

    [Theory]
    [InlineData("ai/smollm2@sha256:1234")]
    [InlineData("ai/smollm2@md5:354bf30d0aa3af413d2aa5ae4f23c66d")]
    [InlineData("354bf30d0aa3")]
    [InlineData("sha256:354bf30d0aa3af413d2aa5ae4f23c66d78980072d1e07a5b0d776e9606a2f0b9")]
    [InlineData("ai/x;rm -rf /")]
    [InlineData("127.0.0.1:5000/")]
    public void Ids_bad_digests_and_shell_text_are_not_references(string input) =>
        Assert.Throws<InvalidModelNameException>(() => RegistryReference.Parse(input));
}
