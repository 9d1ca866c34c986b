using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    internal static class PullProgressRecord
    {
        /// <summary>A new record each time: hosts and Streams.Progress keep the reference, so reusing one would rewrite history.</summary>
        public static ProgressRecord Create(int activityId, string activity, PullProgress p) =>
            new(activityId, activity, $"{ByteSize.Format(p.DownloadedBytes)} of {ByteSize.Format(p.TotalBytes)}")
            {
                PercentComplete = p.PercentComplete,
            };
    }
}
