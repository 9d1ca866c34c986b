namespace ModelRunnerStandIn.Shared;

/// <summary>Model reference rules of the reference, section 4.4 (normalizeModelName in model-runner).</summary>
public static class ModelNames
{
    /// <summary>`smollm2` -> `ai/smollm2:latest`; registry and org lowercased, tag case kept.</summary>
    public static string Normalize(string reference)
    {
        var r = reference.Trim();
        if (IsId(r)) return r;

        string name = r, tagPart = "";
        int at = r.IndexOf('@');
        if (at >= 0)
        {
            name = r[..at];
            tagPart = r[at..];
        }
        else
        {
            int slash = r.LastIndexOf('/');
            int colon = r.LastIndexOf(':');
            if (colon > slash)
            {
                name = r[..colon];
                tagPart = ":" + r[(colon + 1)..];
            }
            if (tagPart is "" or ":") tagPart = ":latest";
        }

        int firstSlash = name.IndexOf('/');
        if (firstSlash > 0)
        {
            var first = name[..firstSlash];
            bool isRegistry = first.Contains('.') || first.Contains(':') || first == "localhost";
            if (isRegistry)
            {
                var lower = first.ToLowerInvariant();
                if (lower is "docker.io" or "index.docker.io") name = name[(firstSlash + 1)..];
                else if (lower == "hf.co") name = "huggingface.co" + name[firstSlash..];
            }
        }
        if (!name.Contains('/')) name = "ai/" + name;
        return name.ToLowerInvariant() + tagPart;
    }

    /// <summary>`sha256:` + 64 hex, 64 hex, or a 12-hex short ID.</summary>
    public static bool IsId(string s)
    {
        var hex = s.StartsWith("sha256:", StringComparison.Ordinal) ? s[7..] : s;
        if (hex.Length != 64 && !(hex.Length == 12 && !s.StartsWith("sha256:", StringComparison.Ordinal))) return false;
        foreach (var c in hex)
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        return true;
    }

    /// <summary>stripDefaultsFromModelName: what `ls` and `ps` show.</summary>
    public static string StripDefaults(string tag)
    {
        var s = tag;
        foreach (var p in new[] { "index.docker.io/", "docker.io/" })
            if (s.StartsWith(p, StringComparison.Ordinal)) { s = s[p.Length..]; break; }
        if (s.StartsWith("ai/", StringComparison.Ordinal)) s = s[3..];
        if (s.EndsWith(":latest", StringComparison.Ordinal)) s = s[..^7];
        return s;
    }

    /// <summary>A normalized tag without its registry host, if it has one: `registry.local:5000/ai/x:1B` -> `ai/x:1B`.</summary>
    public static string WithoutRegistry(string tag)
    {
        int slash = tag.IndexOf('/');
        if (slash <= 0) return tag;
        var first = tag[..slash];
        return first.Contains('.') || first.Contains(':') || first == "localhost" ? tag[(slash + 1)..] : tag;
    }

    /// <summary>The repository part of a normalized tag (`ai/x:tag` -> `ai/x`).</summary>
    public static string Repository(string normalizedTag)
    {
        int slash = normalizedTag.LastIndexOf('/');
        int colon = normalizedTag.LastIndexOf(':');
        return colon > slash ? normalizedTag[..colon] : normalizedTag;
    }
}
