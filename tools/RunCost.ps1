# Dot-sourced by build.ps1, the test runners and the benchmark: what a run cost, told apart from the wall time a busy,
# shared machine stretches.
function Get-CpuSeconds {
    [OutputType([double])]
    param()
    if (Test-Path /proc/self/stat) {
        # Fields after "(comm)": utime, stime, cutime, cstime are the 12th-15th, in USER_HZ ticks (100 a second on Linux).
        $stat = [IO.File]::ReadAllText('/proc/self/stat')
        $f = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
        return ([double]$f[11] + [double]$f[12] + [double]$f[13] + [double]$f[14]) / 100
    }
    [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds # children are not counted here
}

# The 1, 5 and 15 minute load averages (empty where there is no /proc/loadavg): a timing means little without them.
function Get-LoadAverage {
    [OutputType([string])]
    param()
    if (Test-Path /proc/loadavg) { ([IO.File]::ReadAllText('/proc/loadavg') -split ' ')[0..2] -join ' ' }
}
