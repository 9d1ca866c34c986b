using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Ultra.DockerModel.Registry
{
    /// <summary>
    /// The OCI distribution API calls a model pull needs, over HttpClient only: the manifest (raw bytes, digest
    /// checked) and blob responses (ranged for a resume). A 401 runs the anonymous Bearer token flow and retries once,
    /// on any request, so a token that expires mid-pull is renewed. One instance per pull: it holds that pull's token.
    /// </summary>
    public sealed class RegistryClient : IDisposable
    {
        private const int MaxManifestBytes = 4 * 1024 * 1024; // containerd's limit: a manifest is small, a huge one is not a manifest

        // Redirects are followed (blobs live on a CDN); .NET drops Authorization on a redirect, as the CDN's signed URL needs.
        private static readonly HttpClient SharedHttp = new(new HttpClientHandler { AllowAutoRedirect = true, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

        private readonly HttpClient _http;
        private readonly bool _ownsHttp;
        private string? _token;

        /// <param name="handler">For tests only (fault injection); the shared connection pool otherwise.</param>
        public RegistryClient(HttpMessageHandler? handler = null)
        {
            _ownsHttp = handler != null;
            _http = handler is null ? SharedHttp : new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        }

        /// <summary>How long to wait for a response's headers.</summary>
        public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Token requests made so far (1 for an anonymous pull of a token-auth registry; more after an expiry).</summary>
        public int TokenRequests { get; private set; }

        /// <summary>
        /// The manifest of <paramref name="reference"/>. Its sha256 must equal the registry's Docker-Content-Digest and
        /// the digest the reference pins, if any; an index or a non-model config is refused (<see cref="NotAModelException"/>).
        /// </summary>
        public async Task<OciManifest> GetManifestAsync(RegistryReference reference, CancellationToken cancellationToken)
        {
            string model = reference.ToString();
            using var response = await SendAsync(reference, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(reference.RepositoryUri, "manifests/" + reference.ManifestReference));
                request.Headers.TryAddWithoutValidation("Accept", MediaTypes.ManifestAccept);
                return request;
            }, cancellationToken).ConfigureAwait(false);

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                string detail = await ErrorDetailAsync(response).ConfigureAwait(false);
                string what = reference.Digest != null ? "the manifest is unknown there"
                    : await DescribeMissingTagAsync(reference, cancellationToken).ConfigureAwait(false);
                throw new ModelNotFoundException(model, detail,
                    $"Model '{model}' was not found in the registry {reference.Registry}: {what}. Check the name and tag (for example 'ai/smollm2:latest').");
            }
            await EnsureSuccessAsync(response, reference, "its manifest").ConfigureAwait(false);

            byte[] raw = await ReadManifestAsync(response, reference, cancellationToken).ConfigureAwait(false);
            string digest = OciDigest.Of(raw);
            string? header = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
            if (header != null && OciDigest.IsSha256(header) && header != digest)
                throw new DigestMismatchException(model, "the manifest the registry sent", header, digest);
            if (reference.Digest != null && reference.Digest != digest)
                throw new DigestMismatchException(model, "the manifest the registry sent", reference.Digest, digest);
            return OciManifest.Parse(raw, model);
        }

        /// <summary>
        /// A blob's response, headers read, body not yet: from byte <paramref name="offset"/> with a Range request when
        /// it is not 0 (the caller checks for a 206 with a matching Content-Range). The caller disposes it.
        /// </summary>
        public async Task<HttpResponseMessage> GetBlobAsync(RegistryReference reference, OciDescriptor blob, long offset, CancellationToken cancellationToken)
        {
            var response = await SendAsync(reference, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(reference.RepositoryUri, "blobs/" + blob.Digest));
                if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
                return request;
            }, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return response;
            try
            {
                await EnsureSuccessAsync(response, reference, $"blob {blob.Digest}").ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
            return response;
        }

        // A registry answers MANIFEST_UNKNOWN for an unknown repository too; its tag list tells the two apart (and helps).
        private async Task<string> DescribeMissingTagAsync(RegistryReference reference, CancellationToken cancellationToken)
        {
            string unknownTag = $"the tag '{reference.Tag}' is unknown there";
            try
            {
                using var response = await SendAsync(reference, () => new HttpRequestMessage(HttpMethod.Get, new Uri(reference.RepositoryUri, "tags/list?n=20")),
                    cancellationToken).ConfigureAwait(false);
                string body = await ErrorDetailAsync(response).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound) return "the repository is unknown there";
                if (!response.IsSuccessStatusCode) return unknownTag;
                using var doc = JsonDocument.Parse(body);
                var tags = doc.RootElement.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
                    ? t.EnumerateArray().Select(x => x.GetString()).Where(x => !string.IsNullOrEmpty(x)).Take(10).ToList()
                    : new System.Collections.Generic.List<string?>();
                return tags.Count == 0 ? unknownTag : $"{unknownTag} (tags there: {string.Join(", ", tags)})";
            }
            catch (Exception e) when (e is DockerModelException || e is JsonException)
            {
                return unknownTag;
            }
        }

        public void Dispose()
        {
            if (_ownsHttp) _http.Dispose();
        }

        // Sends with this pull's token; a 401 with a Bearer challenge fetches a fresh anonymous token and retries once.
        private async Task<HttpResponseMessage> SendAsync(RegistryReference reference, Func<HttpRequestMessage> makeRequest, CancellationToken cancellationToken)
        {
            string model = reference.ToString();
            for (int attempt = 0; ; attempt++)
            {
                using var request = makeRequest();
                if (_token != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                var response = await SendOnceAsync(request, reference.Registry, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Forbidden)
                {
                    string raw = await ErrorDetailAsync(response).ConfigureAwait(false);
                    response.Dispose();
                    throw new RegistryAuthenticationException(model, reference.Registry, "access is denied (HTTP 403).", raw);
                }
                if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

                var challenge = BearerChallenge.From(response);
                string body = await ErrorDetailAsync(response).ConfigureAwait(false);
                response.Dispose();
                if (challenge is null)
                    throw new RegistryAuthenticationException(model, reference.Registry, "it asks for a login (HTTP 401 without a Bearer token challenge).", body);
                if (attempt > 0)
                    throw new RegistryAuthenticationException(model, reference.Registry, "it refused the anonymous token it issued (HTTP 401): the model is private or does not exist.", body);
                _token = await FetchTokenAsync(challenge, reference, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<string> FetchTokenAsync(BearerChallenge challenge, RegistryReference reference, CancellationToken cancellationToken)
        {
            TokenRequests++;
            string model = reference.ToString();
            using var request = new HttpRequestMessage(HttpMethod.Get, challenge.TokenUri(reference.Repository));
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(request, challenge.Realm.Authority, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryUnreachableException e)
            {
                throw new RegistryAuthenticationException(model, reference.Registry,
                    $"it asks for a token from {challenge.Realm}, which could not be reached ({e.RawError}).", e.RawError);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                    throw new RegistryAuthenticationException(model, reference.Registry,
                        $"its token service {challenge.Realm.GetLeftPart(UriPartial.Path)} refused an anonymous token (HTTP {(int)response.StatusCode}).",
                        await ErrorDetailAsync(response).ConfigureAwait(false));
                try
                {
                    using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
                    foreach (string name in new[] { "token", "access_token" })
                        if (doc.RootElement.TryGetProperty(name, out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } token)
                            return token;
                }
                catch (JsonException) { }
                throw new RegistryAuthenticationException(model, reference.Registry, $"its token service {challenge.Realm.GetLeftPart(UriPartial.Path)} sent no token.");
            }
        }

        // One HTTP exchange; connection failures and a silent server become RegistryUnreachableException.
        private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string registry, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ResponseTimeout);
            try
            {
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RegistryUnreachableException(registry, $"no answer within {ResponseTimeout.TotalSeconds:0} s.");
            }
            catch (HttpRequestException e)
            {
                throw new RegistryUnreachableException(registry, Innermost(e) + ".", e);
            }
        }

        private static async Task EnsureSuccessAsync(HttpResponseMessage response, RegistryReference reference, string what)
        {
            if (response.IsSuccessStatusCode) return;
            string detail = await ErrorDetailAsync(response).ConfigureAwait(false);
            throw new ModelPullException(reference.ToString(),
                $"the registry {reference.Registry} answered HTTP {(int)response.StatusCode} ({response.ReasonPhrase}) for {what}.", detail);
        }

        private static async Task<byte[]> ReadManifestAsync(HttpResponseMessage response, RegistryReference reference, CancellationToken cancellationToken)
        {
            if (response.Content.Headers.ContentLength > MaxManifestBytes)
                throw new NotAModelException(reference.ToString(), $"its manifest is larger than {MaxManifestBytes / 1024 / 1024} MB.");
            using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            using var copy = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            try
            {
                while ((n = await body.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    copy.Write(buffer, 0, n);
                    if (copy.Length > MaxManifestBytes)
                        throw new NotAModelException(reference.ToString(), $"its manifest is larger than {MaxManifestBytes / 1024 / 1024} MB.");
                }
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException)
            {
                throw new RegistryUnreachableException(reference.Registry, "the connection was lost while reading the manifest (" + Innermost(e) + ").", e);
            }
            return copy.ToArray();
        }

        // The registry's error JSON ({"errors":[{"code":"MANIFEST_UNKNOWN",...}]}), kept short, for RawError.
        private static async Task<string> ErrorDetailAsync(HttpResponseMessage response)
        {
            try
            {
                string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                return text.Length > 2000 ? text.Substring(0, 2000) : text.Trim();
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException)
            {
                return "";
            }
        }

        internal static string Innermost(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e.Message.TrimEnd('.');
        }
    }
}
