using System;
using System.Collections.Concurrent;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// Which providers were unavailable and until when, so a script calling a thousand times does not pay the
    /// detection cost a thousand times. One instance per owner (the PowerShell layer keeps one per runspace); safe to
    /// share between threads. The duration comes with each mark: nothing here is set per call.
    /// </summary>
    public sealed class ProviderCooldown
    {
        private readonly ConcurrentDictionary<string, DateTime> _until = new();

        public static string Key(LlmProvider p) => $"{p.Kind}|{p.Name}|{p.Endpoint}|{p.Model}";

        public bool IsCooling(LlmProvider p, out TimeSpan remaining)
        {
            remaining = _until.TryGetValue(Key(p), out var until) ? until - DateTime.UtcNow : TimeSpan.Zero;
            return remaining > TimeSpan.Zero;
        }

        /// <summary>Skips <paramref name="p"/> for <paramref name="duration"/> (zero or less: not at all).</summary>
        public void Mark(LlmProvider p, TimeSpan duration)
        {
            if (duration > TimeSpan.Zero) _until[Key(p)] = DateTime.UtcNow + duration;
        }

        public void Clear(LlmProvider p) => _until.TryRemove(Key(p), out _);

        public void Reset() => _until.Clear();
    }
}
