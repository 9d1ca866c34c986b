using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

public sealed class InstalledModel(Artifact artifact, IEnumerable<string> tags)
{
    public Artifact Artifact { get; } = artifact;
    public List<string> Tags { get; } = new(tags);
}

public sealed record DeleteResult(int Status, string? Error, List<(string Kind, string Value)> Actions);

/// <summary>The runner's local model store. Thread-safe.</summary>
public sealed class ModelStore
{
    private readonly object _gate = new();
    private readonly List<InstalledModel> _models = new();

    /// <summary>The runner's DEFAULT_REGISTRY (empty: Docker Hub): a tag stored under it matches the name without it.</summary>
    public string DefaultRegistry { get; set; } = "";

    public void Reset(IEnumerable<string> references)
    {
        lock (_gate)
        {
            _models.Clear();
            foreach (var r in references)
            {
                // "registry.local:5000/ai/x:tag" installs the catalog's ai/x:tag under that full tag.
                var tag = ModelNames.Normalize(r);
                if (Catalog.ByTag.TryGetValue(ModelNames.Normalize(ModelNames.WithoutRegistry(tag)), out var art)) AddLocked(tag, art);
            }
        }
    }

    public List<InstalledModel> Snapshot()
    {
        lock (_gate) return _models.Select(m => new InstalledModel(m.Artifact, m.Tags)).ToList();
    }

    public InstalledModel? Find(string reference)
    {
        lock (_gate)
        {
            var m = FindLocked(reference);
            return m is null ? null : new InstalledModel(m.Artifact, m.Tags);
        }
    }

    private InstalledModel? FindLocked(string reference)
    {
        if (ModelNames.IsId(reference))
        {
            var hex = reference.StartsWith("sha256:", StringComparison.Ordinal) ? reference[7..] : reference;
            return _models.FirstOrDefault(m => hex.Length == 12 ? m.Artifact.ShortId == hex : m.Artifact.Id == "sha256:" + hex);
        }
        var tag = ModelNames.Normalize(reference);
        return _models.FirstOrDefault(m => StoredTag(m, tag) is not null);
    }

    /// <summary>The tag of <paramref name="m"/> that a normalized reference names, honouring DefaultRegistry.</summary>
    private string? StoredTag(InstalledModel m, string tag) =>
        m.Tags.FirstOrDefault(t => t == tag || (DefaultRegistry.Length > 0 && t == DefaultRegistry + "/" + tag));

    /// <summary>Adds a tag (pull); returns true when the artifact was already local ("Using cached model").</summary>
    public bool Add(string normalizedTag, Artifact art)
    {
        lock (_gate) return AddLocked(normalizedTag, art);
    }

    private bool AddLocked(string tag, Artifact art)
    {
        foreach (var m in _models) m.Tags.Remove(tag); // a tag points at one artifact
        var existing = _models.FirstOrDefault(m => m.Artifact.Id == art.Id);
        if (existing is not null)
        {
            existing.Tags.Add(tag);
            return true;
        }
        _models.Add(new InstalledModel(art, [tag]));
        return false;
    }

    public bool IsArtifactInstalled(Artifact art)
    {
        lock (_gate) return _models.Any(m => m.Artifact.Id == art.Id);
    }

    /// <summary>DeleteModel of model-runner's distribution client: untag by tag, delete by ID (409 if several tags).</summary>
    public DeleteResult Delete(string reference, bool force)
    {
        lock (_gate)
        {
            var m = FindLocked(reference);
            if (m is null) return new DeleteResult(404, "model not found", []);
            var actions = new List<(string, string)>();
            bool isTag = !ModelNames.IsId(reference);
            int tagCount = m.Tags.Count;
            if (isTag)
            {
                var tag = StoredTag(m, ModelNames.Normalize(reference))!;
                m.Tags.Remove(tag);
                actions.Add(("Untagged", tag));
                if (tagCount > 1) return new DeleteResult(200, null, actions);
            }
            if (tagCount > 1 && !force)
            {
                return new DeleteResult(409,
                    $"unable to delete {GoFormat.Quote(reference)} (must be forced) due to multiple tag references: resource conflict", []);
            }
            foreach (var t in m.Tags) actions.Add(("Untagged", t));
            actions.Add(("Deleted", m.Artifact.Id));
            _models.Remove(m);
            return new DeleteResult(200, null, actions);
        }
    }

    public long DiskUsage()
    {
        lock (_gate) return _models.Sum(m => m.Artifact.TotalBytes);
    }
}
