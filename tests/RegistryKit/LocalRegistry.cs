using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace RegistryKit;

/// <summary>
/// Debian's <c>docker-registry</c> (the CNCF distribution registry 2.8) on 127.0.0.1 and a free port, with its config
/// and filesystem storage in a temporary folder (never the package's default config, which listens on every
/// interface). Starts in about 0.1 s; disposing it stops the process and deletes the folder.
/// </summary>
public sealed class LocalRegistry : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TokenServer? _auth;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private LocalRegistry(Process process, int port, string folder, TokenServer? auth)
    {
        _process = process;
        Port = port;
        Folder = folder;
        _auth = auth;
    }

    public int Port { get; }
    /// <summary>The registry as a model reference spells it: <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";
    public string Folder { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>The <c>docker-registry</c> executable, or null when it is not installed.</summary>
    public static string? Executable { get; } = Find();

    /// <summary>Why registry tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => Executable is null
        ? "docker-registry is not installed (Debian: apt-get install docker-registry; .ci/run installs it)"
        : null;

    /// <param name="auth">A token server to require Bearer tokens from, as Docker Hub does; null for an open registry.</param>
    public static LocalRegistry Start(TokenServer? auth = null)
    {
        string exe = Executable ?? throw new InvalidOperationException(SkipReason);
        string folder = Directory.CreateTempSubdirectory("registrykit-").FullName;
        int port = FreePort();
        string config = Path.Combine(folder, "config.yml");
        var yaml = new StringBuilder($"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {Path.Combine(folder, "data")}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:{port}
              secret: registrykit-test-only-secret

            """);
        if (auth != null)
        {
            string bundle = Path.Combine(folder, "token-cert.pem");
            File.WriteAllText(bundle, auth.CertificatePem);
            yaml.Append($"""
                auth:
                  token:
                    realm: {auth.Realm}
                    service: {TokenServer.Service}
                    issuer: {TokenServer.Issuer}
                    rootcertbundle: {bundle}

                """);
        }
        File.WriteAllText(config, yaml.ToString());

        var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(config);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("docker-registry did not start");
        var registry = new LocalRegistry(process, port, folder, auth);
        process.OutputDataReceived += (_, e) => registry.Append(e.Data);
        process.ErrorDataReceived += (_, e) => registry.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => registry.Stop();
        registry.WaitUntilReady();
        return registry;
    }

    /// <summary>Pushes an artifact's blobs (skipping those the registry has) and then its manifest under <paramref name="tag"/>.</summary>
    public void Push(string repository, string tag, ModelArtifact artifact)
    {
        foreach (var blob in artifact.Blobs) PushBlob(repository, blob);
        PushManifest(repository, tag, artifact.Manifest, artifact.MediaType);
    }

    /// <summary>POST to open an upload, then one PUT with the whole blob (2.8 ignores a body on the POST).</summary>
    public void PushBlob(string repository, Blob blob)
    {
        using (var head = Send(HttpMethod.Head, $"/v2/{repository}/blobs/{blob.Digest}", repository))
            if (head.StatusCode == HttpStatusCode.OK) return;
        using var post = Send(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/", repository);
        Expect(post, HttpStatusCode.Accepted);
        var location = post.Headers.Location ?? throw new InvalidOperationException("no upload Location");
        var url = location.IsAbsoluteUri ? location : new Uri(new Uri($"http://{Host}"), location);
        var target = url + (url.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(blob.Digest);
        var content = new ByteArrayContent(blob.Bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = Send(HttpMethod.Put, target, repository, content);
        Expect(put, HttpStatusCode.Created);
    }

    public void PushManifest(string repository, string reference, byte[] manifest, string mediaType)
    {
        var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = Send(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}", repository, content);
        Expect(put, HttpStatusCode.Created);
    }

    /// <summary>The file the registry serves a blob (or manifest) from, for tests that corrupt it.</summary>
    public string BlobFile(string digest)
    {
        string hex = digest.Substring("sha256:".Length);
        return Path.Combine(Folder, "data", "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        Stop();
        _http.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
    }

    private HttpResponseMessage Send(HttpMethod method, string pathOrUrl, string repository, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, pathOrUrl.StartsWith("http", StringComparison.Ordinal) ? pathOrUrl : $"http://{Host}{pathOrUrl}") { Content = content };
        if (_auth != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _auth.IssuePushToken(repository));
        return _http.Send(request);
    }

    private void Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} -> {(int)response.StatusCode}: " +
                response.Content.ReadAsStringAsync().GetAwaiter().GetResult() + "\n" + Log);
    }

    private void WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException("docker-registry exited at start:\n" + Log);
            try
            {
                using var response = probe.Send(new HttpRequestMessage(HttpMethod.Get, $"http://{Host}/v2/"));
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline)
            {
                Stop();
                throw new InvalidOperationException("docker-registry did not answer within 15 s:\n" + Log);
            }
            Thread.Sleep(10);
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private static string? Find()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin"))
        {
            if (dir.Length == 0) continue;
            string path = Path.Combine(dir, "docker-registry");
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
