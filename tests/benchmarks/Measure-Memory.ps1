<#
.SYNOPSIS
    Row 8, run in a fresh pwsh: the peak working-set growth of this process while a big answer goes through
    `-Stream | Measure-Object` (Mode Module) or `& docker model run ... | Measure-Object` (Mode Raw).
    The environment (DOCKER_CONFIG, MODEL_RUNNER_HOST, ULTRA_DOCKERMODEL_HOME) comes from the parent.
    Prints one JSON line.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [ValidateSet('Module', 'Raw')] [string] $Mode,
    [string] $Model = 'ai/smollm2',
    [long] $AnswerBytes = 10MB
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$runner = $env:MODEL_RUNNER_HOST
function Set-Answer([long] $Bytes) {
    $null = Invoke-RestMethod -Method Post -Uri "$runner/_standin/config" -Body "{`"answerBytes`":$Bytes}" -ContentType 'application/json'
}
function Invoke-Once([string] $Prompt) {
    if ($Mode -eq 'Module') { (Invoke-LocalLlm -Model $Model -Prompt $Prompt -Stream -Transport Cli | Measure-Object).Count }
    else { (& docker model run --color no $Model -- $Prompt | Measure-Object).Count }
}

Import-Module $ModulePath
# Warm up with a small answer: JIT, the first process start, the first HTTP call, Measure-Object.
Set-Answer 0
$null = Invoke-Once 'warm up'
$null = Invoke-Once 'warm up'
Set-Answer $AnswerBytes

# A sampler in its own runspace polls the working set every 2 ms while the answer streams.
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
# Linux: writing 5 to clear_refs resets the peak RSS (VmHWM), so PeakWorkingSet64 afterwards is exact.
$hwmReset = $false
if ($IsLinux) { try { [System.IO.File]::WriteAllText('/proc/self/clear_refs', '5'); $hwmReset = $true } catch { $hwmReset = $false } }

$handle = $sampler.BeginInvoke()
Start-Sleep -Milliseconds 20
$sw = [System.Diagnostics.Stopwatch]::StartNew()
$count = Invoke-Once 'memory'
$seconds = $sw.Elapsed.TotalSeconds
Start-Sleep -Milliseconds 20
$state.Stop = $true
$null = $sampler.EndInvoke($handle)
$sampler.Dispose()
$self.Refresh()

[pscustomobject]@{
    Mode            = $Mode
    AnswerBytes     = $AnswerBytes
    Objects         = $count
    Seconds         = [math]::Round($seconds, 3)
    BaselineMB      = [math]::Round($baseline / 1MB, 1)
    SampledGrowthMB = [math]::Round(($state.Max - $baseline) / 1MB, 1)
    PeakGrowthMB    = if ($hwmReset) { [math]::Round(($self.PeakWorkingSet64 - $baseline) / 1MB, 1) } else { $null }
    Samples         = $state.Samples
} | ConvertTo-Json -Compress
