using System;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>
    /// Reads a bare number as days for a TimeSpan parameter (-Unused 30: 30 days). Without it PowerShell converts an
    /// integer to that many ticks, so -Unused 30 would mean three microseconds and select every model.
    /// </summary>
    internal sealed class DaysTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject ps ? ps.BaseObject : inputData;
            return value switch
            {
                int or long or short or byte or double or float or decimal => TimeSpan.FromDays(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
                _ => inputData,
            };
        }
    }
}
