using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Routing;
using Xunit;

namespace Ultra.DockerModel.Tests.Routing;

/// <summary>
/// Every router test runs in this collection, one at a time: they share the two stand-ins (reset for each test) and
/// several measure waits. Each test has its own cool-down (a ProviderCooldown instance, as each runspace has).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RoutingCollection : ICollectionFixture<RoutingStandIns>
{
    public const string Name = "Routing";
}

/// <summary>What one call of a scripted provider does.</summary>
public delegate IAsyncEnumerable<ChatResponseUpdate> Script(CancellationToken cancellationToken);

public static class Scripts
{
    public static Script Answer(params string[] pieces) => token => Pieces(pieces, null, 0, token);

    public static Script Fail(Exception error, int afterMs = 0) => token => Pieces(Array.Empty<string>(), error, afterMs, token);

    public static Script PiecesThenFail(Exception error, params string[] pieces) => token => Pieces(pieces, error, 0, token);

    /// <summary>Sends nothing until cancelled.</summary>
    public static Script Hang() => token => Hanging(token);

    private static async IAsyncEnumerable<ChatResponseUpdate> Pieces(string[] pieces, Exception? error, int afterMs,
        [EnumeratorCancellation] CancellationToken token)
    {
        foreach (var p in pieces)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, p);
        }
        if (afterMs > 0) await Task.Delay(afterMs, token);
        if (error != null) throw error;
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, FinishReason = ChatFinishReason.Stop };
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Hanging([EnumeratorCancellation] CancellationToken token)
    {
        await Task.Delay(Timeout.Infinite, token);
        yield break;
    }
}

/// <summary>A chat client that plays one script.</summary>
public sealed class ScriptedChatClient(Script script) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the router streams");

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) => script(cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}

/// <summary>
/// Hands the router a scripted client per provider name: each call takes the next script, and the last one repeats.
/// Records every call with the time it was made, so tests can count tries and measure the waits between them.
/// </summary>
public sealed class ScriptedFactory : ChatClientFactory
{
    private readonly Dictionary<string, List<Script>> _scripts = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ScriptedFactory() : base(new DockerModelClient(new DockerCli("udm-test-no-docker"))) { }

    public ConcurrentQueue<(string Provider, TimeSpan At)> Calls { get; } = new();

    public ScriptedFactory On(string provider, params Script[] scripts)
    {
        _scripts[provider] = scripts.ToList();
        return this;
    }

    public int CallsTo(string provider) => Calls.Count(c => c.Provider == provider);

    public IReadOnlyList<TimeSpan> CallTimes(string provider) => Calls.Where(c => c.Provider == provider).Select(c => c.At).ToList();

    public override Task<IChatClient> CreateAsync(LlmProvider provider, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        int n = CallsTo(provider.Name);
        Calls.Enqueue((provider.Name, _clock.Elapsed));
        if (!_scripts.TryGetValue(provider.Name, out var list) || list.Count == 0)
            throw new InvalidOperationException($"no script for provider '{provider.Name}'");
        return Task.FromResult<IChatClient>(new ScriptedChatClient(list[Math.Min(n, list.Count - 1)]));
    }
}

/// <summary>Collects what the router reports.</summary>
public sealed class RecordingObserver : IRouteObserver
{
    private readonly ConcurrentQueue<string> _pieces = new();
    private readonly ConcurrentQueue<string> _verbose = new();

    public string Text => string.Concat(_pieces);
    public IReadOnlyList<string> Verbose => _verbose.ToList();
    public string AllVerbose => string.Join("\n", _verbose);

    public void OnPiece(string text) => _pieces.Enqueue(text);
    public void OnVerbose(string message) => _verbose.Enqueue(message);
    public void OnPullProgress(PullProgress progress) { }
}

public static class Chain
{
    public static LlmProvider Dmr(string name, string model = "ai/smollm2") =>
        new() { Name = name, Kind = LlmProviderKind.DockerModelRunner, Model = model };

    public static LlmProvider OpenAI(string name, string endpoint, string model = "ai/smollm2", string? keyVariable = null) =>
        new() { Name = name, Kind = LlmProviderKind.OpenAICompatible, Endpoint = endpoint, Model = model, ApiKeyEnvironmentVariable = keyVariable };

    /// <summary>A unique provider name: the cool-down is keyed on it, so tests never see each other's.</summary>
    public static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N").Substring(0, 8);

    public static LlmRequest Prompt(string text = "hi", int maxRetries = 2, int retryDelayMs = 20, TimeSpan? firstToken = null, TimeSpan? timeout = null,
        TimeSpan? cooldown = null) => new()
    {
        Cooldown = cooldown ?? TimeSpan.FromSeconds(30),
        Messages = new[] { new LlmMessage("user", text) },
        MaxRetries = maxRetries,
        RetryDelay = TimeSpan.FromMilliseconds(retryDelayMs),
        FirstTokenTimeout = firstToken,
        Timeout = timeout,
    };
}
