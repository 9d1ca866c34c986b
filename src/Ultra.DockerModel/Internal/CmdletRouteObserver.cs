using System.Management.Automation;
using Ultra.DockerModel.Routing;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Forwards the router's reports to the pipeline thread: -Verbose narration and the progress bar of an -AutoPull.
    /// What to do with the pieces of an answer is the cmdlet's (<see cref="OnPiece"/>).
    /// </summary>
    internal class CmdletRouteObserver : IRouteObserver
    {
        private readonly PSCmdlet _cmdlet;

        public CmdletRouteObserver(PSCmdlet cmdlet, PipelineQueue queue)
        {
            _cmdlet = cmdlet;
            Queue = queue;
        }

        protected PipelineQueue Queue { get; }

        // The activity of a pull progress bar still on screen; touched on the pipeline thread only.
        private string? _pullActivity;

        public virtual void OnPiece(string text) { }

        // After a pull the router's next report is that it tries the provider again: the download is over by then.
        public void OnVerbose(string message) => Queue.Post(() => { CompletePull(); _cmdlet.WriteVerbose(message); });

        public void OnPullProgress(PullProgress p) => Queue.Post(() =>
        {
            _pullActivity = $"Installing {p.Model}";
            _cmdlet.WriteProgress(PullProgressRecord.Create(1, _pullActivity, p));
        });

        /// <summary>Closes the pull progress bar, if one is open (pipeline thread only).</summary>
        public void CompletePull()
        {
            if (_pullActivity is null) return;
            _cmdlet.WriteProgress(new ProgressRecord(1, _pullActivity, "Done") { RecordType = ProgressRecordType.Completed });
            _pullActivity = null;
        }
    }
}
