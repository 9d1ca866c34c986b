using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

/// <summary>A loaded model, as /engines/ps reports it (BackendStatus in scheduling/api.go).</summary>
public sealed record RunnerStatus(string ModelName, string Mode, DateTime LastUsed, bool InUse, bool Loading, TimeSpan? KeepAlive);

/// <summary>
/// The runner's loader (pkg/inference/scheduling/loader.go): loaded runners, one per model id and mode, and the
/// per-model configurations `docker model configure` stores. A runner in use is never evicted; an idle one goes
/// when its keep-alive (5 minutes unless configured) runs out. Thread-safe.
/// </summary>
public sealed class Runners(ModelStore store)
{
    public const string Backend = "llama.cpp";
    public static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromMinutes(5);
    private readonly object _gate = new();
    private readonly Dictionary<string, Runner> _runners = new();
    private readonly Dictionary<string, RunnerConfig> _configs = new();

    public sealed class Runner(string modelName, string modelId, string mode)
    {
        public string ModelName { get; } = modelName; // the reference exactly as the client sent it
        public string ModelId { get; } = modelId;
        public string Mode { get; } = mode;
        public DateTime LastUsed { get; set; } = DateTime.UtcNow;
        public int InUse { get; set; }
        public bool Loading { get; set; }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _runners.Clear();
            _configs.Clear();
        }
    }

    /// <summary>Starts a request on the model's runner, loading it when there is none (cold is then true).</summary>
    public (Runner Runner, bool Cold) Use(string modelName, string mode = "completion")
    {
        lock (_gate)
        {
            ExpireLocked();
            var id = ResolveId(modelName);
            bool cold = !_runners.TryGetValue(Key(id, mode), out var r);
            if (cold) _runners[Key(id, mode)] = r = new Runner(modelName, id, mode) { Loading = true };
            r!.InUse++;
            return (r, cold);
        }
    }

    public void Loaded(Runner r)
    {
        lock (_gate) r.Loading = false;
    }

    public void Release(Runner r)
    {
        lock (_gate)
        {
            r.InUse = Math.Max(0, r.InUse - 1);
            r.Loading = false;
            r.LastUsed = DateTime.UtcNow;
            ExpireLocked(); // keep_alive 0: unloaded as soon as the request ends
        }
    }

    public List<RunnerStatus> Status()
    {
        lock (_gate)
        {
            ExpireLocked();
            return _runners.Values.Select(r => new RunnerStatus(r.ModelName, r.Mode, r.LastUsed, r.InUse > 0, r.Loading,
                _configs.TryGetValue(Key(r.ModelId, r.Mode), out var c) ? c.KeepAlive : null)).ToList();
        }
    }

    /// <summary>
    /// POST /engines/unload: evicts the idle runners asked for and returns how many went. `all` also forgets every
    /// configuration; by model, only configurations of the named backend go (none when the CLI sends no backend).
    /// </summary>
    public int Unload(bool all, string backend, IReadOnlyCollection<string> models)
    {
        lock (_gate)
        {
            int before = _runners.Count;
            if (all)
            {
                _configs.Clear();
                Evict(_ => true);
            }
            else
            {
                foreach (var m in models)
                {
                    var id = ResolveId(m);
                    if (backend == Backend)
                        foreach (var key in _configs.Keys.Where(k => k.StartsWith(id + "|", StringComparison.Ordinal)).ToList()) _configs.Remove(key);
                    if (backend is "" or Backend) Evict(r => r.ModelId == id);
                }
            }
            return before - _runners.Count;
        }
    }

    /// <summary>Stores a configuration; an idle runner of that model is evicted, one in use makes it a 409 (null on success).</summary>
    public string? Configure(string modelName, RunnerConfig config)
    {
        lock (_gate)
        {
            var id = ResolveId(modelName);
            var key = Key(id, config.Mode);
            if (_configs.TryGetValue(key, out var existing) && existing.SameAs(config)) return null;
            if (_runners.TryGetValue(key, out var r))
            {
                if (r.InUse > 0) return "runner already active";
                _runners.Remove(key);
            }
            _configs[key] = config;
            return null;
        }
    }

    /// <summary>GET /engines/_configure[?model=]: the stored configurations of installed models.</summary>
    public List<(InstalledModel Model, RunnerConfig Config)> Configurations(string? model)
    {
        lock (_gate)
        {
            var wanted = model is null ? null : ResolveId(model);
            var list = new List<(InstalledModel, RunnerConfig)>();
            foreach (var (key, config) in _configs)
            {
                var id = key[..key.IndexOf('|')];
                if (wanted != null && id != wanted) continue;
                if (store.Find(id) is { } m) list.Add((m, config));
            }
            return list;
        }
    }

    /// <summary>A deleted model's runners go with it.</summary>
    public void Forget(string modelId)
    {
        lock (_gate) Evict(r => r.ModelId == modelId, evenInUse: true);
    }

    private void Evict(Func<Runner, bool> which, bool evenInUse = false)
    {
        foreach (var (key, r) in _runners.ToList())
            if ((evenInUse || r.InUse == 0) && which(r)) _runners.Remove(key);
    }

    private void ExpireLocked()
    {
        var now = DateTime.UtcNow;
        Evict(r =>
        {
            var keepAlive = _configs.TryGetValue(Key(r.ModelId, r.Mode), out var c) && c.KeepAlive is { } k ? k : DefaultKeepAlive;
            return keepAlive >= TimeSpan.Zero && now - r.LastUsed >= keepAlive;
        });
    }

    // ResolveID: the model's id when it is installed, else the reference itself.
    private string ResolveId(string reference) => store.Find(reference)?.Artifact.Id ?? reference;

    private static string Key(string id, string mode) => id + "|" + mode;
}

/// <summary>
/// One model's runtime configuration (inference.BackendConfiguration plus the mode). KeepAlive: null is the default,
/// negative is "never unload".
/// </summary>
public sealed record RunnerConfig(string Mode, int? ContextSize, IReadOnlyList<string> RuntimeFlags, TimeSpan? KeepAlive, int? ReasoningBudget)
{
    public bool SameAs(RunnerConfig other) =>
        Mode == other.Mode && ContextSize == other.ContextSize && KeepAlive == other.KeepAlive
        && ReasoningBudget == other.ReasoningBudget && RuntimeFlags.SequenceEqual(other.RuntimeFlags);

    /// <summary>BackendConfiguration as Go marshals it (omitempty, keys in declaration order).</summary>
    public JObject ToJson() => J.O(
        ("context-size", ContextSize is { } c ? J.N(c) : null),
        ("runtime-flags", RuntimeFlags.Count > 0 ? J.A(RuntimeFlags.Select(f => (JNode)J.S(f))) : null),
        ("keep_alive", KeepAlive is { } k ? J.S(GoFormat.KeepAlive(k)) : null),
        ("llamacpp", ReasoningBudget is { } b ? J.O(("reasoning-budget", J.N(b))) : null));
}
