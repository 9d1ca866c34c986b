using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel
{
    /// <summary>
    /// What the CLI may print to stdout before the output asked for (reference 0.8): on Docker Engine, a runner-dependent
    /// command first installs the runner container and prints docker's image pull lines, <c>Successfully pulled ...</c>,
    /// <c>Creating model storage volume ...</c> and <c>Starting model runner container ...</c>. None of it is an answer.
    /// Only ASCII is matched, so a skipped prefix has as many bytes as characters.
    /// </summary>
    public static class DockerCliNoise
    {
        private const string LayerId = "[0-9a-f]{12}";
        private static readonly string[] LayerStatuses =
        {
            "Pulling fs layer", "Waiting", "Downloading", "Verifying Checksum", "Download complete", "Extracting", "Pull complete", "Already exists",
        };
        private const string PullingFrom = "Pulling from docker/model-runner";
        private static readonly string[] Literals =
        {
            "Digest: sha256:", "Status: Downloaded newer image for docker/model-runner", "Status: Image is up to date for docker/model-runner",
            "Successfully pulled docker/model-runner", "Creating model storage volume ", "Starting model runner container ",
        };

        private static readonly Regex Line = new(
            "^(?:[!-~]+: " + Regex.Escape(PullingFrom) + "[!-~]*"
            + "|" + LayerId + ": (?:Pulling fs layer|Waiting|Downloading[ -~]*|Verifying Checksum|Download complete|Extracting[ -~]*|Pull complete|Already exists)"
            + "|Digest: sha256:[0-9a-f]{64}"
            + "|Status: (?:Downloaded newer image for|Image is up to date for) docker/model-runner[!-~]*"
            + "|Successfully pulled docker/model-runner[!-~]*"
            + "|Creating model storage volume [!-~]+\\.\\.\\."
            + "|Starting model runner container [!-~]+\\.\\.\\.)\\r?\\z",
            RegexOptions.CultureInvariant);
        private static readonly Regex FirstWord = new("^[!-~]*\\z", RegexOptions.CultureInvariant);
        private static readonly Regex WordThenRest = new("^(?<word>[!-~]+?):(?: (?<rest>.*))?\\z", RegexOptions.CultureInvariant | RegexOptions.Singleline);

        /// <summary>A whole line (without its <c>\n</c>) of the runner auto-install output.</summary>
        public static bool IsNoiseLine(string line) => Line.IsMatch(line);

        /// <summary>Whether a line still being printed (no <c>\n</c> yet) may turn out to be a noise line.</summary>
        public static bool CouldBecomeNoiseLine(string partial)
        {
            if (Literals.Any(l => l.StartsWith(partial, StringComparison.Ordinal) || partial.StartsWith(l, StringComparison.Ordinal))) return true;
            if (FirstWord.IsMatch(partial)) return partial.Length <= 128;
            var m = WordThenRest.Match(partial);
            if (!m.Success) return false;
            string rest = m.Groups["rest"].Success ? m.Groups["rest"].Value : "";
            bool Fits(string status) => status.StartsWith(rest, StringComparison.Ordinal) || rest.StartsWith(status, StringComparison.Ordinal);
            if (Fits(PullingFrom)) return true;
            return Regex.IsMatch(m.Groups["word"].Value, "^" + LayerId + "\\z") && LayerStatuses.Any(Fits);
        }
    }
}
