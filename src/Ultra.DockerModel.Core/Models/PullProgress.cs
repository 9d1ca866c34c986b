namespace Ultra.DockerModel
{
    /// <summary>One step of a model download, from the plugin's <c>Downloaded X of Y</c> lines.</summary>
    public sealed class PullProgress
    {
        public string Model { get; init; } = "";
        public long DownloadedBytes { get; init; }
        public long TotalBytes { get; init; }
        /// <summary>0 to 100, or -1 when the total is not known.</summary>
        public int PercentComplete => TotalBytes > 0 ? (int)System.Math.Min(100, DownloadedBytes * 100 / TotalBytes) : -1;
        public string Message { get; init; } = "";
    }
}
