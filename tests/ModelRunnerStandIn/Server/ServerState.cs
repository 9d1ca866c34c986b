using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

public sealed class ServerStats
{
    public long Requests, ChatRequests, ActiveStreams, CompletedStreams, AbortedStreams, OpenConnections, Pulls, AbortedPulls, StatusRequests;
    // The connections that carried a chat request: fewer than the chat requests when a client keeps its connection.
    private readonly HashSet<object> _chatConnections = new(ReferenceEqualityComparer.Instance);

    public void NoteChatConnection(object connection)
    {
        lock (_chatConnections) _chatConnections.Add(connection);
    }

    private int ChatConnections
    {
        get { lock (_chatConnections) return _chatConnections.Count; }
    }

    public JObject ToJson() => J.O(
        ("requests", J.N(Interlocked.Read(ref Requests))),
        ("chatRequests", J.N(Interlocked.Read(ref ChatRequests))),
        ("activeStreams", J.N(Interlocked.Read(ref ActiveStreams))),
        ("completedStreams", J.N(Interlocked.Read(ref CompletedStreams))),
        ("abortedStreams", J.N(Interlocked.Read(ref AbortedStreams))),
        ("openConnections", J.N(Interlocked.Read(ref OpenConnections))),
        ("pulls", J.N(Interlocked.Read(ref Pulls))),
        ("abortedPulls", J.N(Interlocked.Read(ref AbortedPulls))),
        ("statusRequests", J.N(Interlocked.Read(ref StatusRequests))),
        ("chatConnections", J.N(ChatConnections)));

    public void Reset()
    {
        // OpenConnections and ActiveStreams describe live sockets, so a reset keeps them.
        Interlocked.Exchange(ref Requests, 0);
        Interlocked.Exchange(ref ChatRequests, 0);
        Interlocked.Exchange(ref CompletedStreams, 0);
        Interlocked.Exchange(ref AbortedStreams, 0);
        Interlocked.Exchange(ref Pulls, 0);
        Interlocked.Exchange(ref AbortedPulls, 0);
        Interlocked.Exchange(ref StatusRequests, 0);
        lock (_chatConnections) _chatConnections.Clear();
    }
}

/// <summary>Everything the runner remembers: switches, store, counters, recorded chat requests.</summary>
public sealed class ServerState
{
    private const int MaxRecorded = 1000;
    private readonly object _gate = new();
    private readonly StandInConfig _defaults;
    private readonly string[] _initialInstalled;
    private StandInConfig _config;
    private long _faultsServed;
    private readonly List<JNode> _requests = new();
    private readonly Dictionary<string, Artifact> _repushed = new();

    public ModelStore Store { get; } = new();
    public Runners Runners { get; }
    public ServerStats Stats { get; } = new();

    public ServerState(StandInConfig defaults, string[] initialInstalled)
    {
        _defaults = defaults;
        _initialInstalled = initialInstalled;
        _config = defaults.Clone();
        Runners = new Runners(Store);
        Store.Reset(initialInstalled);
    }

    public StandInConfig Config
    {
        get { lock (_gate) return _config.Clone(); }
    }

    public string? Configure(JObject patch)
    {
        lock (_gate)
        {
            var error = _config.Merge(patch);
            if (error is null && (patch["fault"] is not null || patch["faultCount"] is not null)) _faultsServed = 0;
            Store.DefaultRegistry = _config.DefaultRegistry;
            return error;
        }
    }

    public void Reset(string[]? installed)
    {
        lock (_gate)
        {
            _config = _defaults.Clone();
            _faultsServed = 0;
            _requests.Clear();
            _repushed.Clear();
        }
        Stats.Reset();
        Store.DefaultRegistry = _defaults.DefaultRegistry;
        Runners.Reset();
        Store.Reset(installed ?? _initialInstalled);
    }

    /// <summary>What the registry holds for a normalized tag: a re-pushed artifact, else the catalog's.</summary>
    public Artifact? RegistryArtifact(string tag)
    {
        lock (_gate)
            if (_repushed.TryGetValue(tag, out var art)) return art;
        return Catalog.ByTag.TryGetValue(tag, out var catalog) ? catalog : null;
    }

    /// <summary>
    /// POST /_standin/repush: the tag gets a new artifact in the "registry" (a new manifest digest and model layer, the
    /// same metadata), as when a publisher pushes a new build under the same tag. Installed models are not touched.
    /// </summary>
    public Artifact? Repush(string tag)
    {
        lock (_gate)
        {
            var current = _repushed.TryGetValue(tag, out var r) ? r : Catalog.ByTag.TryGetValue(tag, out var c) ? c : null;
            if (current is null) return null;
            static string Next(string digest) => "sha256:" + Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("repush:" + digest)));
            var next = current with { Id = Next(current.Id), LayerDigest = Next(current.LayerDigest), Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds() };
            _repushed[tag] = next;
            return next;
        }
    }

    /// <summary>True when this request should suffer `fault` (honours faultCount: the first N requests only).</summary>
    public bool TakeFault(string fault)
    {
        lock (_gate)
        {
            if (_config.Fault != fault) return false;
            if (_config.FaultCount is not { } limit) return true;
            if (_faultsServed >= limit) return false;
            _faultsServed++;
            return true;
        }
    }

    public void Record(byte[] body)
    {
        JNode node;
        try { node = JsonParser.Parse(body); }
        catch (JsonParseException) { node = new JString(body); }
        lock (_gate)
        {
            _requests.Add(node);
            if (_requests.Count > MaxRecorded) _requests.RemoveAt(0);
        }
    }

    public JArray Recorded()
    {
        lock (_gate) return new JArray(_requests);
    }

    public void ClearRecorded()
    {
        lock (_gate) _requests.Clear();
    }
}
