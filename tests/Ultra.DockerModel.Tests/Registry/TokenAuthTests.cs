using System;
using System.IO;
using System.Threading;
using RegistryKit;
using Ultra.DockerModel.Registry;
using Xunit;

namespace Ultra.DockerModel.Tests.Registry;

/// <summary>A registry that wants Bearer tokens, as Docker Hub does, with the tests' own token server.</summary>
public sealed class TokenRegistryFixture : IDisposable
{
    public TokenRegistryFixture()
    {
        if (LocalRegistry.SkipReason != null) return;
        Tokens = new TokenServer();
        Registry = LocalRegistry.Start(Tokens);
        Tiny = ModelArtifact.Create(RegistryFixture.GgufSize, seed: 11);
        Registry.Push("ai/tiny", "latest", Tiny);
    }

    public TokenServer Tokens { get; } = null!;
    public LocalRegistry Registry { get; } = null!;
    public ModelArtifact Tiny { get; } = null!;

    public void Dispose()
    {
        Registry?.Dispose();
        Tokens?.Dispose();
    }
}

// xunit runs one class's tests one at a time: they change the token server's lifetime rule and count its requests.
public class TokenAuthTests(TokenRegistryFixture fixture) : IClassFixture<TokenRegistryFixture>
{
    private PullResult Pull(TempStore temp, string host) =>
        new ModelPuller(temp.Store).PullAsync(host + "/ai/tiny", null, CancellationToken.None).GetAwaiter().GetResult();

    [RegistryFact]
    public void An_anonymous_token_is_fetched_once_on_the_first_401()
    {
        using var temp = new TempStore();
        fixture.Tokens.Lifetime = _ => TimeSpan.FromMinutes(5);
        int before = fixture.Tokens.Requests;
        var result = Pull(temp, fixture.Registry.Host);
        Assert.Equal(fixture.Tiny.ManifestDigest, result.Model.Id);
        Assert.Equal(1, fixture.Tokens.Requests - before);
    }

    [RegistryFact]
    public void A_token_that_expires_mid_pull_is_renewed()
    {
        using var temp = new TempStore();
        using var proxy = new FaultProxy(fixture.Registry.Port) { BytesPerSecond = 64 * 1024 };
        int first = fixture.Tokens.Requests + 1;
        // The registry allows 60 s of clock skew: this token is good for about 2 s, the GGUF takes 4 s to arrive,
        // so the next blob request is refused with a 401 and must get a new token.
        fixture.Tokens.Lifetime = n => n == first ? TimeSpan.FromSeconds(-58) : TimeSpan.FromMinutes(5);
        var result = Pull(temp, proxy.Host);
        Assert.Equal(fixture.Tiny.ManifestDigest, result.Model.Id);
        Assert.Equal(2, fixture.Tokens.Requests - first + 1);
        Assert.Equal(fixture.Tiny.GgufLayer.Bytes, File.ReadAllBytes(temp.Blob(fixture.Tiny.GgufLayer.Digest)));
    }

    [RegistryFact]
    public void A_refused_token_is_AuthenticationFailed_not_a_loop()
    {
        using var temp = new TempStore();
        fixture.Tokens.Lifetime = _ => TimeSpan.FromMinutes(-5);
        int before = fixture.Tokens.Requests;
        var e = Assert.Throws<RegistryAuthenticationException>(() => Pull(temp, fixture.Registry.Host));
        fixture.Tokens.Lifetime = _ => TimeSpan.FromMinutes(5);
        Assert.Equal(ErrorKind.AuthenticationFailed, e.Kind);
        Assert.Equal(1, fixture.Tokens.Requests - before);
    }

    [RegistryFact]
    public void A_401_whose_token_server_is_down_is_AuthenticationFailed_naming_it()
    {
        using var temp = new TempStore();
        using var tokens = new TokenServer();
        using var registry = LocalRegistry.Start(tokens);
        string realm = tokens.Realm;
        tokens.Dispose();
        var e = Assert.Throws<RegistryAuthenticationException>(() => Pull(temp, registry.Host));
        Assert.Equal(ErrorKind.AuthenticationFailed, e.Kind);
        Assert.Contains(realm, e.Message);
        Assert.False(Directory.Exists(Path.Combine(temp.Root, "blobs")));
    }
}
