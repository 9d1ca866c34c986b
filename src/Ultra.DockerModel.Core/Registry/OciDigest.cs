using System;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Ultra.DockerModel.Registry
{
    /// <summary>Content digests as OCI spells them: <c>sha256:</c> and 64 lower-case hex digits (the only algorithm stores accept here).</summary>
    public static class OciDigest
    {
        private static readonly Regex Sha256 = new(@"^sha256:[0-9a-f]{64}\z", RegexOptions.CultureInvariant);

        public static bool IsSha256(string? digest) => digest != null && Sha256.IsMatch(digest);

        /// <summary>The 64 hex digits, which name the blob and manifest files; throws for anything else (no path tricks).</summary>
        public static string Hex(string digest) =>
            IsSha256(digest) ? digest.Substring(7) : throw new FormatException($"'{digest}' is not a sha256 digest.");

        public static string Of(byte[] bytes)
        {
            using var sha = SHA256.Create();
            return FromHash(sha.ComputeHash(bytes));
        }

        public static string FromHash(byte[] hash)
        {
            var chars = new char[7 + hash.Length * 2];
            "sha256:".CopyTo(0, chars, 0, 7);
            for (int i = 0; i < hash.Length; i++)
            {
                chars[7 + i * 2] = "0123456789abcdef"[hash[i] >> 4];
                chars[8 + i * 2] = "0123456789abcdef"[hash[i] & 15];
            }
            return new string(chars);
        }
    }
}
