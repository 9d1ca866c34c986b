using System;
using System.Collections.Concurrent;

namespace Ultra.DockerModel.Routing
{
    /// <summary>
    /// Remembers, for the life of the process (the PowerShell session), which providers were unavailable and when,
    /// so a script calling a thousand times does not pay the detection cost a thousand times.
    /// </summary>
    public static class ProviderCooldown
    {
        private static readonly ConcurrentDictionary<string, DateTime> Until = new();

        public static TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

        public static string Key(LlmProvider p) => $"{p.Kind}|{p.Name}|{p.Endpoint}|{p.Model}";

        public static bool IsCooling(LlmProvider p, out TimeSpan remaining)
        {
            remaining = Until.TryGetValue(Key(p), out var until) ? until - DateTime.UtcNow : TimeSpan.Zero;
            return remaining > TimeSpan.Zero;
        }

        public static void Mark(LlmProvider p)
        {
            if (Duration > TimeSpan.Zero) Until[Key(p)] = DateTime.UtcNow + Duration;
        }

        public static void Clear(LlmProvider p) => Until.TryRemove(Key(p), out _);

        public static void Reset() => Until.Clear();
    }
}
