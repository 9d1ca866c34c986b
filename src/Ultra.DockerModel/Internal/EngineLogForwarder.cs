using System.Management.Automation;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Commands
{
    /// <summary>llama.cpp's log lines of one call, written on the pipeline thread: warnings and errors to -Verbose, the rest to -Debug.</summary>
    internal sealed class EngineLogForwarder : IEngineLog
    {
        private readonly Cmdlet _cmdlet;
        private readonly PipelineQueue _queue;

        public EngineLogForwarder(Cmdlet cmdlet, PipelineQueue queue)
        {
            _cmdlet = cmdlet;
            _queue = queue;
        }

        public void Write(EngineLogLevel level, string message)
        {
            if (level >= EngineLogLevel.Warning) _queue.Post(() => _cmdlet.WriteVerbose("llama.cpp: " + message));
            else _queue.Post(() => _cmdlet.WriteDebug("llama.cpp: " + message));
        }
    }
}
