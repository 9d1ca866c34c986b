using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using LLama.Native;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Embedded.Native
{
    /// <summary>
    /// llama.cpp has one log callback per process. It calls it on the thread doing the work, so a call's lines are
    /// routed to the call that is running on that thread (an AsyncLocal set around each native region); lines from
    /// elsewhere (ggml worker threads) have no owner and are dropped, as llama.cpp's stderr would be noise.
    /// </summary>
    internal static class LlamaLog
    {
        private static readonly AsyncLocal<CallLog?> Current = new();
        [ThreadStatic] private static StringBuilder? _partial;
        [ThreadStatic] private static EngineLogLevel _lastLevel;

        /// <summary>Routes this thread's (and its awaits') native log lines to <paramref name="log"/> until disposed.</summary>
        public static Scope Route(CallLog log)
        {
            var previous = Current.Value;
            Current.Value = log;
            return new Scope(previous);
        }

        public readonly struct Scope : IDisposable
        {
            private readonly CallLog? _previous;
            public Scope(CallLog? previous) => _previous = previous;
            public void Dispose() => Current.Value = _previous;
        }

        /// <summary>The native callback. llama.cpp sends pieces of lines, and "Continue" for the rest of the previous line.</summary>
        public static void OnNativeLog(LLamaLogLevel level, string message)
        {
            var log = Current.Value;
            if (log is null) return;
            var partial = _partial ??= new StringBuilder();
            if (level != LLamaLogLevel.Continue) _lastLevel = Map(level);
            partial.Append(message);
            if (!message.EndsWith('\n')) return;
            string line = partial.ToString().TrimEnd();
            partial.Clear();
            if (line.Length > 0) log.Write(_lastLevel, line);
        }

        private static EngineLogLevel Map(LLamaLogLevel level) => level switch
        {
            LLamaLogLevel.Error => EngineLogLevel.Error,
            LLamaLogLevel.Warning => EngineLogLevel.Warning,
            LLamaLogLevel.Info => EngineLogLevel.Info,
            _ => EngineLogLevel.Debug,
        };
    }

    /// <summary>One call's log: forwards to the caller's sink and keeps the error lines to explain a failure.</summary>
    internal sealed class CallLog : IEngineLog
    {
        private readonly IEngineLog? _sink;
        private readonly List<string> _errors = new();

        public CallLog(IEngineLog? sink) => _sink = sink;

        /// <summary>The error lines llama.cpp logged during this call, oldest first.</summary>
        public string Errors
        {
            get { lock (_errors) return string.Join(" ", _errors); }
        }

        public void Write(EngineLogLevel level, string message)
        {
            if (level == EngineLogLevel.Error)
                lock (_errors) if (_errors.Count < 8) _errors.Add(message);
            _sink?.Write(level, message);
        }
    }
}
