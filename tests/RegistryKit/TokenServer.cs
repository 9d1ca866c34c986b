using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace RegistryKit;

/// <summary>
/// A Docker registry token service (distribution's "token" auth) on a free loopback port, as Docker Hub's
/// auth.docker.io works: <c>GET /token?service=..&amp;scope=repository:ai/x:pull</c> returns an RS256 JWT whose header
/// carries the signing certificate (x5c), self-signed here and given to the registry as its root bundle.
/// Anonymous callers get <c>pull</c>; <see cref="IssuePushToken"/> is the tests' own way to push.
/// </summary>
public sealed class TokenServer : IDisposable
{
    public const string Issuer = "registrykit-issuer";
    public const string Service = "registrykit-registry";

    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly Task _loop;
    private int _requests;

    public TokenServer()
    {
        var request = new CertificateRequest("CN=registrykit-token-issuer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        Port = LocalRegistry.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string Realm => $"http://127.0.0.1:{Port}/token";

    /// <summary>The certificate in PEM, for the registry's <c>rootcertbundle</c>.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>Token requests served so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>How long the n-th token (1-based) is valid; negative makes it expired on arrival.</summary>
    public Func<int, TimeSpan> Lifetime { get; set; } = _ => TimeSpan.FromMinutes(5);

    public string IssuePushToken(string repository) => Jwt("registrykit-pusher", repository, new[] { "pull", "push" }, TimeSpan.FromMinutes(5));

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            using var response = context.Response;
            if (context.Request.Url?.AbsolutePath != "/token")
            {
                response.StatusCode = 404;
                continue;
            }
            int n = Interlocked.Increment(ref _requests);
            // scope=repository:ai/tiny:pull; anonymous callers get pull only, whatever they ask.
            string scope = context.Request.QueryString["scope"] ?? "";
            string[] parts = scope.Split(':');
            string token = parts.Length == 3 && parts[0] == "repository" && parts[2].Split(',').Contains("pull")
                ? Jwt("", parts[1], new[] { "pull" }, Lifetime(n))
                : Jwt("", "", Array.Empty<string>(), Lifetime(n));
            byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { token, access_token = token, expires_in = 300, issued_at = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ") });
            response.ContentType = "application/json";
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body);
        }
    }

    private string Jwt(string subject, string repository, string[] actions, TimeSpan lifetime)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long exp = now + (long)lifetime.TotalSeconds;
        var header = new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } };
        var claims = new
        {
            iss = Issuer, sub = subject, aud = Service, exp, nbf = Math.Min(now, exp) - 10, iat = Math.Min(now, exp) - 10,
            jti = Guid.NewGuid().ToString("N"),
            access = repository.Length == 0 ? Array.Empty<object>() : new object[] { new { type = "repository", name = repository, actions } },
        };
        string signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _certificate.Dispose();
        _key.Dispose();
    }
}
