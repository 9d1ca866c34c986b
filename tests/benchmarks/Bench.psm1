# Helpers for Invoke-Benchmark.ps1: statistics, timing of raw processes, the machine description and the report.
Set-StrictMode -Version 3.0

function Get-Median {
    [OutputType([double])]
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [double[]] $Values)
    if ($Values.Count -eq 0) { return [double]::NaN }
    $sorted = [double[]]($Values | Sort-Object)
    $mid = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$mid] }
    return ($sorted[$mid - 1] + $sorted[$mid]) / 2
}

function Get-Quantile {
    [OutputType([double])]
    param([double[]] $Values, [double] $Q)
    if ($Values.Count -eq 0) { return [double]::NaN }
    $sorted = [double[]]($Values | Sort-Object)
    $pos = ($sorted.Count - 1) * $Q
    $lo = [int][math]::Floor($pos); $hi = [int][math]::Ceiling($pos)
    return $sorted[$lo] + ($sorted[$hi] - $sorted[$lo]) * ($pos - $lo)
}

# Median, quartiles and count of a sample, rounded for the report.
function Get-Summary {
    param([double[]] $Values, [int] $Digits = 2)
    [ordered]@{
        Median = [math]::Round((Get-Median $Values), $Digits)
        Q1     = [math]::Round((Get-Quantile $Values 0.25), $Digits)
        Q3     = [math]::Round((Get-Quantile $Values 0.75), $Digits)
        N      = $Values.Count
        Values = @($Values | ForEach-Object { [math]::Round($_, $Digits) })
    }
}

function Write-BenchLine([string] $Message) {
    # Progress lines go to the host, so the build log shows where the run is.
    Write-Host ("[bench {0:HH:mm:ss}] {1}" -f (Get-Date), $Message)
}

function Measure-WorkingSetGrowth {
    <#
    Runs $Action in this process while a sampler in its own runspace polls the working set every 2 ms; returns the
    growth over the baseline taken just before (sampled maximum, and on Linux the exact peak: writing 5 to
    /proc/self/clear_refs resets VmHWM, so PeakWorkingSet64 afterwards covers the action only), and what $Action returned.
    #>
    param([Parameter(Mandatory)] [scriptblock] $Action)
    $self = [System.Diagnostics.Process]::GetCurrentProcess()
    $state = [hashtable]::Synchronized(@{ Stop = $false; Max = 0L; Samples = 0 })
    $sampler = [powershell]::Create()
    $null = $sampler.AddScript({
            param($state, $pid2)
            $p = [System.Diagnostics.Process]::GetProcessById($pid2)
            while (-not $state.Stop) {
                $p.Refresh()
                $ws = $p.WorkingSet64
                if ($ws -gt $state.Max) { $state.Max = $ws }
                $state.Samples++
                [System.Threading.Thread]::Sleep(2)
            }
        }).AddArgument($state).AddArgument($PID)
    [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
    Start-Sleep -Milliseconds 200
    $self.Refresh()
    $baseline = $self.WorkingSet64
    $state.Max = $baseline
    $hwmReset = $false
    if ($IsLinux) { try { [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5'); $hwmReset = $true } catch { $hwmReset = $false } }

    $handle = $sampler.BeginInvoke()
    Start-Sleep -Milliseconds 20
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $result = & $Action
    $seconds = $sw.Elapsed.TotalSeconds
    Start-Sleep -Milliseconds 20
    $state.Stop = $true
    $null = $sampler.EndInvoke($handle)
    $sampler.Dispose()
    $self.Refresh()
    [pscustomobject]@{
        Result          = $result
        Seconds         = [math]::Round($seconds, 3)
        BaselineMB      = [math]::Round($baseline / 1MB, 1)
        SampledGrowthMB = [math]::Round(($state.Max - $baseline) / 1MB, 1)
        PeakGrowthMB    = if ($hwmReset) { [math]::Round(($self.PeakWorkingSet64 - $baseline) / 1MB, 1) } else { $null }
        Samples         = $state.Samples
    }
}

function New-DockerRunStartInfo {
    # `docker model run --color no MODEL -- PROMPT` with stdin closed at once (as the module does) and stdout as bytes.
    param([string] $Model, [string] $Prompt)
    $psi = [System.Diagnostics.ProcessStartInfo]::new('docker')
    foreach ($a in 'model', 'run', '--color', 'no', $Model, '--', $Prompt) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi
}

function Measure-RawFirstByte {
    <# Milliseconds from Process.Start to the first byte on the child's stdout (BaseStream), then drains and waits. #>
    param([string] $Model, [string] $Prompt)
    $psi = New-DockerRunStartInfo $Model $Prompt
    $buffer = [byte[]]::new(65536)
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $p = [System.Diagnostics.Process]::Start($psi)
    try {
        $p.StandardInput.Close()
        $stderr = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.BaseStream
        $n = $stdout.Read($buffer, 0, $buffer.Length)
        $first = $sw.Elapsed.TotalMilliseconds
        $bytes = [long]$n
        while ($n -gt 0) { $n = $stdout.Read($buffer, 0, $buffer.Length); $bytes += $n }
        $p.WaitForExit()
        if ($p.ExitCode -ne 0 -or $bytes -eq 0) { throw "docker model run failed ($($p.ExitCode)): $($stderr.Result)" }
        $first
    }
    finally { $p.Dispose() }
}

function Measure-ProcessWallTime {
    <# Milliseconds from start to exit of a child process (stdout/stderr drained). #>
    param([string] $FileName, [string[]] $Arguments)
    $psi = [System.Diagnostics.ProcessStartInfo]::new($FileName)
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $p = [System.Diagnostics.Process]::Start($psi)
    try {
        $p.StandardInput.Close()
        $out = $p.StandardOutput.ReadToEndAsync()
        $err = $p.StandardError.ReadToEndAsync()
        $p.WaitForExit()
        $ms = $sw.Elapsed.TotalMilliseconds
        if ($p.ExitCode -ne 0) { throw "$FileName $($Arguments -join ' ') failed ($($p.ExitCode)): $($err.Result)" }
        [pscustomobject]@{ Ms = $ms; Output = $out.Result }
    }
    finally { $p.Dispose() }
}

function Get-MachineInfo {
    $memory = $null
    if (Test-Path /proc/meminfo) {
        $line = Get-Content /proc/meminfo | Where-Object { $_ -like 'MemTotal:*' } | Select-Object -First 1
        if ($line -match '(\d+)\s*kB') { $memory = [math]::Round([double]$Matches[1] / 1MB, 1) }
    }
    if (-not $memory) { $memory = [math]::Round([GC]::GetGCMemoryInfo().TotalAvailableMemoryBytes / 1GB, 1) }
    $cpu = $null
    if (Test-Path /proc/cpuinfo) {
        $cpu = (Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', ''
    }
    $sdk = try { (& dotnet --version 2>$null) -join '' } catch { $null }
    $docker = try { (& docker version --format '{{.Client.Version}}' 2>$null) -join '' } catch { $null }
    [ordered]@{
        Cores        = [Environment]::ProcessorCount
        Cpu          = $cpu
        MemoryGB     = $memory
        OS           = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
        Architecture = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString()
        DotnetRuntime = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        DotnetSdk    = $sdk
        Pwsh         = $PSVersionTable.PSVersion.ToString()
        DockerClient = $docker
    }
}

function Format-Number($Value, [string] $Unit) {
    if ($null -eq $Value -or ($Value -is [double] -and [double]::IsNaN($Value))) { return '' }
    $text = if ([math]::Abs([double]$Value) -ge 100) { '{0:N0}' -f $Value } elseif ([math]::Abs([double]$Value) -ge 10) { '{0:N1}' -f $Value } else { '{0:N2}' -f $Value }
    if ($Unit) { "$text $Unit" } else { $text }
}

function ConvertTo-ResultTable {
    <# The markdown table of the rows (also printed to the console). #>
    param([object[]] $Rows)
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('| # | Measure | Module | Raw / reference | Ratio | Added | Target | Met |')
    $lines.Add('|---|---|---|---|---|---|---|---|')
    foreach ($r in $Rows) {
        $met = switch ($r.Met) { $true { 'yes' } $false { '**no**' } default { '—' } }
        $lines.Add(('| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} |' -f $r.Id, $r.Measure,
                (Format-Number $r.Module $r.Unit), (Format-Number $r.Raw $r.Unit), (Format-Number $r.Ratio ''),
                (Format-Number $r.Added $r.AddedUnit), $r.Target, $met))
    }
    $lines
}

Export-ModuleMember -Function Get-Median, Get-Quantile, Get-Summary, Write-BenchLine, New-DockerRunStartInfo, Measure-RawFirstByte, Measure-WorkingSetGrowth,
    Measure-ProcessWallTime, Get-MachineInfo, Format-Number, ConvertTo-ResultTable
