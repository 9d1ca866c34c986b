using System;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Lets -KeepAlive take a TimeSpan or the runner's own texts: <c>10m</c>, <c>1h30m</c>, <c>0</c> (unload after each
    /// request), <c>-1</c> or <c>Forever</c> (never unload).
    /// </summary>
    internal sealed class KeepAliveTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (value)
            {
                case TimeSpan span:
                    return span;
                case string text when text.Trim().Equals("Forever", StringComparison.OrdinalIgnoreCase):
                    return GoDuration.Forever;
                case string text when GoDuration.ParseKeepAlive(text) is TimeSpan parsed:
                    return parsed;
                case string text when TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span):
                    return span;
                case int n when n == 0 || n == -1:
                    return n == 0 ? TimeSpan.Zero : GoDuration.Forever;
                case int:
                case long:
                    throw new ArgumentTransformationMetadataException(
                        "A bare number is ambiguous for -KeepAlive: give a duration such as '10m', '1h' or '00:30:00', 0 to unload after each request, or -1 (or 'Forever') never to unload.");
                default:
                    return inputData;
            }
        }
    }
}
