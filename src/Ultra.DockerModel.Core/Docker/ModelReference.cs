using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel
{
    /// <summary>
    /// Model references as Docker Model Runner reads them: <c>[registry/][org/]name[:tag][@digest]</c>, default org
    /// <c>ai/</c>, default tag <c>latest</c>, the name part lower-cased, the tag kept as typed. The default registry is
    /// Docker Hub, or <c>DEFAULT_REGISTRY</c> when set (as the upstream CLI reads it).
    /// </summary>
    public static class ModelReference
    {
        // Docker's reference grammar (distribution/reference): a name is path components of letters and digits joined
        // by '.', '_', '__' or dashes, behind an optional registry host[:port]; a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
        // So "ai/", "ai/../x", white space and shell characters (; | $ ` &) are refused before any process starts.
        // \z, not $: "$" also matches before a final "\n", which let "ai/smollm2\n" through.
        private const string Component = "[A-Za-z0-9]+(?:(?:[._]|__|-+)[A-Za-z0-9]+)*";
        private const string Host = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?";
        private const string Tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
        private static readonly Regex Valid = new(
            "^(?:" + Host + "/)?" + Component + "(?:/" + Component + ")*(?::" + Tag + ")?(?:@sha256:[0-9A-Fa-f]{64})?\\z",
            RegexOptions.CultureInvariant);
        private static readonly Regex Digest = new(@"^(sha256:)?[0-9a-f]{12}([0-9a-f]{52})?\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly string[] DockerHub = { "index.docker.io/", "docker.io/" };
        private const int MaxLength = 512;

        public static bool IsValid(string? reference) =>
            reference != null && reference.Length <= MaxLength && (Digest.IsMatch(reference) || Valid.IsMatch(reference));

        /// <summary>Throws <see cref="InvalidModelNameException"/> for a reference that could not be a model name.</summary>
        public static string Validate(string? reference)
        {
            if (!IsValid(reference))
                throw new InvalidModelNameException(reference ?? "");
            return reference!;
        }

        /// <summary>
        /// <c>smollm2</c> becomes <c>ai/smollm2:latest</c>; the default registry's prefix is dropped (so a tag stored as
        /// <c>registry.local:5000/ai/x:1B</c> is <c>ai/x:1B</c> when <c>DEFAULT_REGISTRY=registry.local:5000</c>); ids
        /// and digests are returned as they are.
        /// </summary>
        public static string Normalize(string reference) => Normalize(reference, Environment.GetEnvironmentVariable("DEFAULT_REGISTRY"));

        /// <summary><see cref="Normalize(string)"/> with the default registry given rather than read from the environment.</summary>
        public static string Normalize(string reference, string? defaultRegistry)
        {
            string r = reference.Trim();
            if (Digest.IsMatch(r) || r.Contains("@")) return r;
            foreach (var prefix in DefaultRegistryPrefixes(defaultRegistry))
            {
                if (!r.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
                r = r.Substring(prefix.Length);
                break;
            }
            int slash = r.LastIndexOf('/');
            int colon = r.LastIndexOf(':');
            string name = colon > slash ? r.Substring(0, colon) : r;
            string tag = colon > slash ? r.Substring(colon + 1) : "";
            if (name.IndexOf('/') < 0) name = "ai/" + name;
            if (name.StartsWith("hf.co/", StringComparison.OrdinalIgnoreCase)) name = "huggingface.co/" + name.Substring(6);
            return name.ToLowerInvariant() + ":" + (tag.Length == 0 ? "latest" : tag);
        }

        // stripDefaultsFromModelName: Docker Hub's two spellings, or only DEFAULT_REGISTRY when it names another registry.
        private static string[] DefaultRegistryPrefixes(string? defaultRegistry)
        {
            string custom = (defaultRegistry ?? "").Trim().TrimEnd('/');
            return custom.Length == 0 || custom == "docker.io" || custom == "index.docker.io" ? DockerHub : new[] { custom + "/" };
        }

        /// <summary>Whether a name says which tag it means (<c>ai/x:1B</c>), as opposed to a repository, an id or a digest.</summary>
        public static bool HasExplicitTag(string reference)
        {
            string r = reference.Trim();
            return !IsId(r) && r.IndexOf('@') < 0 && r.LastIndexOf(':') > r.LastIndexOf('/');
        }

        /// <summary>The repository part of a normalized reference: <c>ai/smollm2:latest</c> gives <c>ai/smollm2</c>.</summary>
        public static string Repository(string normalized)
        {
            int slash = normalized.LastIndexOf('/');
            int colon = normalized.LastIndexOf(':');
            return colon > slash ? normalized.Substring(0, colon) : normalized;
        }

        /// <summary>The name as <c>docker model ls</c> displays it: <c>ai/gemma3:latest</c> gives <c>gemma3</c>.</summary>
        public static string ShortName(string normalized)
        {
            string r = normalized;
            if (r.StartsWith("ai/", StringComparison.Ordinal)) r = r.Substring(3);
            if (r.EndsWith(":latest", StringComparison.Ordinal)) r = r.Substring(0, r.Length - 7);
            return r;
        }

        /// <summary>12 hex digits of an id such as <c>sha256:354bf30d0aa3...</c>.</summary>
        public static string ShortId(string id)
        {
            string hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id.Substring(7) : id;
            return hex.Length > 12 ? hex.Substring(0, 12) : hex;
        }

        public static bool IsId(string reference) => Digest.IsMatch(reference.Trim());

        /// <summary>
        /// Whether a user's reference names this model: by any tag (a reference without a tag matches every tag of
        /// its repository, as <c>docker model ls FILTER</c> does) or by id.
        /// </summary>
        public static bool Matches(LocalModel model, string reference) => Matches(model.Tags, model.Id, reference);

        /// <summary>The same test for anything known by its tags and id (a loaded model: its one name).</summary>
        public static bool Matches(IEnumerable<string> tags, string id, string reference)
        {
            string r = reference.Trim();
            if (IsId(r))
            {
                string hex = r.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? r.Substring(7) : r;
                return id.Substring(id.StartsWith("sha256:", StringComparison.Ordinal) ? 7 : 0).StartsWith(hex, StringComparison.OrdinalIgnoreCase);
            }
            string normalized = Normalize(r);
            bool hasTag = HasExplicitTag(r);
            foreach (var tag in tags)
            {
                string t = Normalize(tag);
                if (hasTag ? t == normalized : Repository(t) == Repository(normalized)) return true;
            }
            return false;
        }
    }
}
