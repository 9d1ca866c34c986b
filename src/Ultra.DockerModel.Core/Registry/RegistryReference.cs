using System;
using System.Net;

namespace Ultra.DockerModel.Registry
{
    /// <summary>
    /// A model reference split the way Docker Model Runner pulls it: <c>ai/smollm2</c> is
    /// <c>docker.io/ai/smollm2:latest</c>, fetched from <c>https://registry-1.docker.io/v2/ai/smollm2/manifests/latest</c>.
    /// The name rules (default org <c>ai/</c>, default tag, lower-cased name) are <see cref="ModelReference.Normalize"/>'s,
    /// so a pulled model and a listed one are spelled alike. As in Docker Model Runner, <c>DEFAULT_REGISTRY</c> names the
    /// registry of a reference that names none, and <c>INSECURE_REGISTRY=true</c> allows plain http to any registry.
    /// </summary>
    public sealed class RegistryReference
    {
        public const string DockerHub = "docker.io";

        private readonly string _defaultRegistry;
        private readonly bool _insecure;

        private RegistryReference(string registry, string repository, string? tag, string? digest, string defaultRegistry, bool insecure)
        {
            Registry = registry;
            Repository = repository;
            Tag = tag;
            Digest = digest;
            _defaultRegistry = defaultRegistry;
            _insecure = insecure;
        }

        /// <summary><c>docker.io</c>, or <c>host[:port]</c> as typed (lower-cased).</summary>
        public string Registry { get; }
        /// <summary><c>ai/smollm2</c>.</summary>
        public string Repository { get; }
        /// <summary>The tag; null only for a reference by digest alone (<c>ai/x@sha256:...</c>).</summary>
        public string? Tag { get; }
        /// <summary><c>sha256:</c> and 64 hex digits when the reference pins the manifest.</summary>
        public string? Digest { get; }

        /// <summary>The host the HTTP API lives on: Docker Hub's API is <c>registry-1.docker.io</c>, not <c>docker.io</c>.</summary>
        public string Host => Registry == DockerHub ? "registry-1.docker.io" : Registry;

        /// <summary>Plain http only for localhost, loopback addresses and <c>*.local</c> (or with INSECURE_REGISTRY=true); https otherwise.</summary>
        public bool IsInsecure
        {
            get
            {
                string host = HostName(Registry);
                return _insecure || host == "localhost" || host.EndsWith(".local", StringComparison.Ordinal)
                    || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
            }
        }

        /// <summary><c>https://registry-1.docker.io/v2/ai/smollm2/</c>.</summary>
        public Uri RepositoryUri => new($"{(IsInsecure ? "http" : "https")}://{Host}/v2/{Repository}/");

        /// <summary>What the manifest is fetched by: the digest when pinned, else the tag.</summary>
        public string ManifestReference => Digest ?? Tag!;

        /// <summary>The tag as Docker's <c>models.json</c> stores it (<c>docker.io/ai/smollm2:latest</c>); null for a digest-only reference.</summary>
        public string? StoreTag => Tag is null ? null : $"{Registry}/{Repository}:{Tag}";

        /// <summary>The name users see (<c>ai/smollm2:latest</c>, <c>127.0.0.1:5000/ai/tiny:latest</c>, or <c>ai/x@sha256:...</c>).</summary>
        public override string ToString()
        {
            string name = Registry == _defaultRegistry ? Repository : $"{Registry}/{Repository}";
            return name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);
        }

        /// <summary>Parses a user's reference; throws <see cref="InvalidModelNameException"/> for one that could not be a model.</summary>
        public static RegistryReference Parse(string reference) => Parse(reference,
            Environment.GetEnvironmentVariable("DEFAULT_REGISTRY"), Environment.GetEnvironmentVariable("INSECURE_REGISTRY") == "true");

        internal static RegistryReference Parse(string reference, string? defaultRegistry, bool insecure)
        {
            string home = string.IsNullOrWhiteSpace(defaultRegistry) ? DockerHub : defaultRegistry!.Trim().TrimEnd('/').ToLowerInvariant();
            if (home is "index.docker.io" or "registry-1.docker.io") home = DockerHub;
            string text = ModelReference.Validate(reference?.Trim()).Trim();
            string? digest = null;
            int at = text.IndexOf('@');
            if (at >= 0)
            {
                digest = text.Substring(at + 1);
                text = text.Substring(0, at);
                if (!OciDigest.IsSha256(digest)) throw new InvalidModelNameException(reference!);
            }
            if (text.Length == 0 || ModelReference.IsId(text)) throw new InvalidModelNameException(reference!);
            bool hasTag = text.LastIndexOf(':') > text.LastIndexOf('/');

            string normalized = ModelReference.Normalize(text, defaultRegistry);    // [registry/]org/name:tag
            int colon = normalized.LastIndexOf(':');
            string name = normalized.Substring(0, colon);
            string? tag = hasTag || digest is null ? normalized.Substring(colon + 1) : null;

            string registry = home;
            int slash = name.IndexOf('/');
            string first = slash > 0 ? name.Substring(0, slash) : "";
            if (first.IndexOf('.') >= 0 || first.IndexOf(':') >= 0 || first == "localhost")
            {
                registry = first is "registry-1.docker.io" or "index.docker.io" ? DockerHub : first;
                name = name.Substring(slash + 1);
                if (registry == DockerHub && name.IndexOf('/') < 0) name = "ai/" + name;
            }
            if (name.Length == 0 || name.EndsWith("/", StringComparison.Ordinal) || name.Contains("//"))
                throw new InvalidModelNameException(reference!);
            return new RegistryReference(registry, name, tag, digest, home, insecure);
        }

        // "127.0.0.1:5000" -> "127.0.0.1" (IPv6 literals cannot be typed: brackets are not name characters).
        private static string HostName(string registry)
        {
            int colon = registry.LastIndexOf(':');
            return colon > 0 ? registry.Substring(0, colon) : registry;
        }
    }
}
