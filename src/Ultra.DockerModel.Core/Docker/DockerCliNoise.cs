using System;
using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel
{
    /// <summary>
    /// What the CLI may print to stdout before the output asked for (reference 0.8): on Docker Engine, a runner-dependent
    /// command that finds no runner container first installs one (model-runner's ensureStandaloneRunnerAvailable) and
    /// prints every step. This is that preamble's grammar, line by line, as upstream prints it:
    /// <list type="bullet">
    /// <item>the image pull, as docker's jsonmessage writes it to a non-terminal: <c>latest: Pulling from
    /// docker/model-runner</c>, <c>&lt;layer&gt;: Pull complete</c>..., <c>Digest: sha256:...</c>, <c>Status: ...</c>,
    /// then <c>Successfully pulled docker/model-runner:latest</c>; offline, when the pull fails and a local image is
    /// used, only <c>Using local image docker/model-runner:latest</c>;</item>
    /// <item><c>Creating model storage volume docker-model-runner-models...</c>, the container's warnings (render
    /// group, Ascend driver paths), <c>Starting model runner container docker-model-runner...</c> and
    /// <c>Warning: failed to copy Docker config: ...</c>;</item>
    /// <item>model-cli v0.1.42's pull lines: <c>\r&lt;id&gt;: &lt;status&gt; &lt;progress&gt;</c> without line ends
    /// (so one line of <c>\r</c>-separated parts), an empty line before <c>Successfully pulled</c>.</item>
    /// </list>
    /// Variable parts follow docker's own grammar: an image tag is <c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>, a layer id
    /// 12 hex digits. So a partial line is held back only while it can still become one of these lines. Only ASCII is
    /// matched, so a skipped prefix has as many bytes as characters.
    /// </summary>
    public static class DockerCliNoise
    {
        private const string Image = "docker/model-runner";

        private static readonly string[] LayerStatuses =
        {
            "Pulling fs layer", "Waiting", "Downloading", "Verifying Checksum", "Download complete", "Extracting",
            "Pull complete", "Already exists", "Retrying in ",
        };

        // Each form is a sequence of tokens that must consume a whole line.
        private static readonly Token[][] Lines = new[]
        {
            new[] { Token.Tag, Token.Lit(": Pulling from " + Image) },
            new[] { Token.Lit("Digest: sha256:"), Token.Hex(1, 64) },
            new[] { Token.Lit("Status: Downloaded newer image for " + Image + ":"), Token.Tag },
            new[] { Token.Lit("Status: Image is up to date for " + Image + ":"), Token.Tag },
            new[] { Token.Lit("Successfully pulled " + Image + ":"), Token.Tag },
            new[] { Token.Lit("Using local image " + Image + ":"), Token.Tag },
            new[] { Token.Lit("Creating model storage volume docker-model-runner-models...") },
            new[] { Token.Lit("Starting model runner container docker-model-runner...") },
            new[] { Token.Lit("Warning: render group not found, skipping group addition") },
            new[] { Token.Lit("Warning: unexpected getent output format: "), Token.Rest },
            new[] { Token.Lit("Warning: failed to parse render GID from "), Token.Rest },
            new[] { Token.Lit("Warning: failed to copy Docker config: "), Token.Rest },
            new[] { Token.Lit("[NOT FOUND] Ascend driver path does not exist, skipping: "), Token.Rest },
        }.Concat(LayerStatuses.Select(s => new[] { Token.Hex(12, 12), Token.Lit(": " + s), Token.Rest })).ToArray();

        // model-cli v0.1.42: each part follows a "\r"; the parts after the last one (Digest) are in its progress text.
        private static readonly Token[][] LegacyParts =
        {
            new[] { Token.Tag, Token.Lit(": Pulling from " + Image), Token.Rest },
            new[] { Token.Hex(12, 12), Token.Lit(": "), Token.Rest },
        };

        /// <summary>A whole line (without its <c>\n</c>) of the runner auto-install output.</summary>
        public static bool IsNoiseLine(string line) => Fits(TrimCr(line), prefix: false);

        /// <summary>Whether a line still being printed (no <c>\n</c> yet) may turn out to be a noise line.</summary>
        public static bool CouldBecomeNoiseLine(string partial) => Fits(partial, prefix: true);

        private static string TrimCr(string line) => line.Length > 0 && line[line.Length - 1] == '\r' && line.IndexOf('\r') == line.Length - 1
            ? line.Substring(0, line.Length - 1) : line;

        private static bool Fits(string text, bool prefix)
        {
            if (text.Length > 0 && text[0] == '\r') return FitsLegacy(text, prefix);
            return Lines.Any(form => Token.Match(form, 0, text, 0, prefix));
        }

        private static bool FitsLegacy(string text, bool prefix)
        {
            string[] parts = text.Substring(1).Split('\r');
            for (int i = 0; i < parts.Length; i++)
            {
                bool last = i == parts.Length - 1;
                if (!LegacyParts.Any(form => Token.Match(form, 0, parts[i], 0, prefix && last))) return false;
            }
            return true;
        }

        /// <summary>A piece of a line form: a literal, or a run of characters of one class.</summary>
        private sealed class Token
        {
            private readonly string? _literal;
            private readonly Func<char, bool>? _first;
            private readonly Func<char, bool>? _rest;
            private readonly int _min;
            private readonly int _max;

            private Token(string? literal, Func<char, bool>? first, Func<char, bool>? rest, int min, int max)
            {
                _literal = literal;
                _first = first;
                _rest = rest;
                _min = min;
                _max = max;
            }

            public static Token Lit(string text) => new(text, null, null, 0, 0);
            public static Token Hex(int min, int max) => new(null, IsHex, IsHex, min, max);
            public static readonly Token Tag = new(null, c => IsAlnum(c) || c == '_', c => IsAlnum(c) || c == '_' || c == '.' || c == '-', 1, 128);
            public static readonly Token Rest = new(null, IsPrintable, IsPrintable, 0, int.MaxValue);

            private static bool IsHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f');
            private static bool IsAlnum(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
            private static bool IsPrintable(char c) => c is >= ' ' and <= '~';

            /// <summary>
            /// Whether <paramref name="tokens"/> from <paramref name="ti"/> consume <paramref name="s"/> from
            /// <paramref name="si"/> to its end; with <paramref name="prefix"/>, whether s can still grow into such a line.
            /// </summary>
            public static bool Match(IReadOnlyList<Token> tokens, int ti, string s, int si, bool prefix)
            {
                if (si == s.Length) return prefix || tokens.Skip(ti).All(t => t._literal == null && t._min == 0);
                if (ti == tokens.Count) return false;
                var token = tokens[ti];
                if (token._literal != null)
                {
                    string lit = token._literal;
                    for (int k = 0; k < lit.Length; k++)
                    {
                        if (si + k == s.Length) return prefix;
                        if (s[si + k] != lit[k]) return false;
                    }
                    return Match(tokens, ti + 1, s, si + lit.Length, prefix);
                }
                int n = 0;
                while (n < token._max && si + n < s.Length && (n == 0 ? token._first! : token._rest!)(s[si + n])) n++;
                if (si + n == s.Length && prefix && n < token._max) return true; // the run may still grow
                for (int take = n; take >= Math.Max(token._min, 0); take--)
                    if (take >= token._min && Match(tokens, ti + 1, s, si + take, prefix)) return true;
                return false;
            }
        }
    }
}
