using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel.Registry
{
    /// <summary>A registry's <c>WWW-Authenticate: Bearer realm="...",service="...",scope="..."</c> challenge.</summary>
    internal sealed class BearerChallenge
    {
        private static readonly Regex Pair = new("(\\w+)=\"([^\"]*)\"", RegexOptions.CultureInvariant);

        private BearerChallenge(Uri realm, string? service, string? scope)
        {
            Realm = realm;
            Service = service;
            Scope = scope;
        }

        public Uri Realm { get; }
        public string? Service { get; }
        public string? Scope { get; }

        /// <summary>The Bearer challenge of a 401, or null when there is none (Basic auth, or no header).</summary>
        public static BearerChallenge? From(HttpResponseMessage response)
        {
            AuthenticationHeaderValue? bearer = response.Headers.WwwAuthenticate
                .FirstOrDefault(h => string.Equals(h.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase));
            if (bearer?.Parameter is null) return null;
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (Match m in Pair.Matches(bearer.Parameter)) values[m.Groups[1].Value] = m.Groups[2].Value;
            if (!values.TryGetValue("realm", out string? realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                return null;
            values.TryGetValue("service", out string? service);
            values.TryGetValue("scope", out string? scope);
            return new BearerChallenge(uri, service, scope);
        }

        /// <summary>The anonymous token request: <c>realm?service=...&amp;scope=repository:ai/x:pull</c>.</summary>
        public Uri TokenUri(string repository)
        {
            string query = (Service is null ? "" : "service=" + Uri.EscapeDataString(Service) + "&")
                + "scope=" + Uri.EscapeDataString(Scope ?? $"repository:{repository}:pull");
            var builder = new UriBuilder(Realm);
            builder.Query = string.IsNullOrEmpty(builder.Query) ? query : builder.Query.TrimStart('?') + "&" + query;
            return builder.Uri;
        }
    }
}
