namespace ModelRunnerStandIn.Server;

/// <summary>Maps paths to handlers like model-runner's router: `/v1/*` and `/engines/{backend}/v1/*` alias `/engines/v1/*`.</summary>
public sealed class Router(ServerState state)
{
    private static readonly string[] Backends = ["llama.cpp", "vllm", "mlx", "sglang", "diffusers"];
    private readonly ModelsApi _models = new(state);
    private readonly EnginesApi _engines = new(state);
    private readonly ChatCompletions _chat = new(state);
    private readonly Embeddings _embeddings = new(state);
    private readonly ControlApi _control = new(state);

    public async Task HandleAsync(HttpExchange ex)
    {
        Interlocked.Increment(ref state.Stats.Requests);
        var path = ex.Request.Path;
        if (path.StartsWith("/_standin/", StringComparison.Ordinal)) { await _control.HandleAsync(ex); return; }
        if (state.TakeFault(Faults.NotRunning)) { await ex.SendTextAsync(503, "Service Unavailable"); return; }

        // Docker Desktop's socket prefix, so a client written for Desktop also works.
        if (path.StartsWith("/exp/vDD4.40/", StringComparison.Ordinal)) path = path["/exp/vDD4.40".Length..];
        if (path.StartsWith("/v1/", StringComparison.Ordinal)) path = "/engines" + path;
        if (path.StartsWith("/engines/", StringComparison.Ordinal) && !path.StartsWith("/engines/v1/", StringComparison.Ordinal))
        {
            var rest = path["/engines/".Length..];
            int slash = rest.IndexOf('/');
            if (slash > 0 && rest[slash..].StartsWith("/v1/", StringComparison.Ordinal))
            {
                if (!Backends.Contains(rest[..slash])) { await ex.SendTextAsync(404, "backend not found"); return; }
                path = "/engines" + rest[slash..];
            }
        }
        await RouteAsync(ex, ex.Request.Method, path);
    }

    private Task RouteAsync(HttpExchange ex, string method, string path)
    {
        switch (path)
        {
            case "/": return Only(ex, "GET", _engines.RootAsync);
            case "/version": return Only(ex, "GET", _engines.VersionAsync);
            case "/models": return Only(ex, "GET", _models.ListAsync);
            case "/models/create" when method == "POST": return _models.CreateAsync(ex);
            case "/engines/status": return Only(ex, "GET", _engines.StatusAsync);
            case "/engines/ps": return Only(ex, "GET", _engines.PsAsync);
            case "/engines/df": return Only(ex, "GET", _engines.DfAsync);
            case "/engines/unload": return Only(ex, "POST", _engines.UnloadAsync);
            case "/engines/_configure" when method == "POST": return _engines.ConfigureAsync(ex);
            case "/engines/_configure": return Only(ex, "GET", _engines.ConfigurationsAsync);
            case "/engines/v1/models": return Only(ex, "GET", _engines.OpenAiListAsync);
            case "/engines/v1/chat/completions": return Only(ex, "POST", _chat.HandleAsync);
            case "/engines/v1/embeddings": return Only(ex, "POST", _embeddings.HandleAsync);
        }
        if (path.StartsWith("/models/", StringComparison.Ordinal) && path.Length > "/models/".Length)
        {
            var name = path["/models/".Length..];
            return method switch
            {
                "GET" => _models.GetAsync(ex, name),
                "DELETE" => _models.DeleteAsync(ex, name),
                _ => ex.SendTextAsync(405, "Method Not Allowed"),
            };
        }
        if (path.StartsWith("/engines/v1/models/", StringComparison.Ordinal) && method == "GET")
            return _engines.OpenAiGetAsync(ex, path["/engines/v1/models/".Length..]);
        return ex.SendTextAsync(404, "404 page not found");
    }

    private static Task Only(HttpExchange ex, string method, Func<HttpExchange, Task> handler) =>
        ex.Request.Method == method ? handler(ex) : ex.SendTextAsync(405, "Method Not Allowed");
}
