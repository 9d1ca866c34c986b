<#
.SYNOPSIS
    Runs the Pester suite in tests/pester against the built module and writes {Passed, Failed, Skipped} to a JSON file.
.DESCRIPTION
    Each test file runs in a child pwsh of its own (tools/Invoke-PesterFile.ps1), so files never share a session, an
    environment variable or a stand-in. Files run side by side, up to -Jobs at a time, longest first (by the durations
    the last run recorded in .build/pester-times.json); then each *.Exclusive.Tests.ps1 runs alone, so a CPU-heavy file
    (the load case) cannot stretch the timing of another. A file's output is printed whole when it ends, and a file that
    runs past -FileTimeoutMinutes is killed and counted as failed. Run by build.ps1 -Task Test (see
    docs/guides/testing.md); Pester comes from NuGet into .build/packages.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # Tags to run (comma-separated in one string too, as pwsh -File passes it); all when empty.
    [string[]] $Tag = @(),
    # Tags to leave out; FullLoad (the full-size load case) unless -Full or -Tag FullLoad.
    [string[]] $ExcludeTag = @(),
    [switch] $Full,
    # Which files: all, only those that may run side by side, or only the *.Exclusive ones (build.ps1 runs xunit
    # alongside the first set and waits for it before the second).
    [ValidateSet('All', 'Parallel', 'Exclusive')] [string] $Set = 'All',
    # Files run at once; 0 = ULTRA_DOCKERMODEL_TEST_JOBS, else the number of cores.
    [int] $Jobs = 0,
    # Test files (comma-separated in one string too); all of tests/pester/*.Tests.ps1 when empty.
    [string[]] $Path = @(),
    # A file still running after this long is killed and counted as failed.
    [double] $FileTimeoutMinutes = 20
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
. (Join-Path $PSScriptRoot 'RunCost.ps1')
$pester = Join-Path $root '.build/packages/pester/5.9.1/tools/Pester.psd1'
if (-not (Test-Path $pester)) {
    & dotnet restore (Join-Path $PSScriptRoot 'BuildTools.csproj') --nologo -v quiet | Out-Host
    if ($LASTEXITCODE -ne 0) { throw 'Restoring Pester failed.' }
}

$Tag = @($Tag -split ',' | Where-Object { $_ })
$ExcludeTag = @($ExcludeTag -split ',' | Where-Object { $_ })
if (-not $Full -and $Tag -notcontains 'FullLoad') { $ExcludeTag += 'FullLoad' }
if ($Jobs -le 0) { $Jobs = if ($env:ULTRA_DOCKERMODEL_TEST_JOBS) { [int]$env:ULTRA_DOCKERMODEL_TEST_JOBS } else { [Environment]::ProcessorCount } }
$Path = @($Path -split ',' | Where-Object { $_ })
$files = if ($Path) { @($Path | ForEach-Object { (Resolve-Path $_).Path }) } else { @((Get-ChildItem (Join-Path $root 'tests/pester') -Filter '*.Tests.ps1').FullName) }

# Longest first, so the last file to start is a short one.
$timesPath = Join-Path $root '.build/pester-times.json'
$times = [ordered]@{}
if (Test-Path $timesPath) { (Get-Content -Raw $timesPath | ConvertFrom-Json).PSObject.Properties | ForEach-Object { $times[$_.Name] = [double]$_.Value } }
$files = @($files | Sort-Object { $n = Split-Path $_ -Leaf; if ($times.Contains($n)) { $times[$n] } else { (Get-Item $_).Length / 1000 } } -Descending)
$isExclusive = { (Split-Path $_ -Leaf) -like '*.Exclusive.Tests.ps1' }
$phases = @(
    if ($Set -ne 'Exclusive') { @{ Files = @($files | Where-Object { -not (& $isExclusive) }); Jobs = $Jobs } }
    if ($Set -ne 'Parallel') { @{ Files = @($files | Where-Object $isExclusive); Jobs = 1 } }
)

$env:ULTRA_DOCKERMODEL_TEST_MODULE = (Resolve-Path $ModulePath).Path
$work = Join-Path ([IO.Path]::GetTempPath()) ('udm-pester-' + [guid]::NewGuid().ToString('N'))
$null = New-Item -ItemType Directory -Path $work
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$runner = Join-Path $PSScriptRoot 'Invoke-PesterFile.ps1'
$clock = [Diagnostics.Stopwatch]::StartNew()
$results = [Collections.Generic.List[object]]::new()
try {
    foreach ($phase in $phases | Where-Object { $_.Files.Count }) {
        Write-Host ("Pester: {0} {1}, {2} at a time{3}{4}; load average {5}" -f $phase.Files.Count, $(if ($phase.Jobs -eq 1) { 'exclusive file(s)' } else { 'files' }),
            $phase.Jobs, $(if ($Tag) { "; tags $($Tag -join ',')" }), $(if ($ExcludeTag) { "; excluding $($ExcludeTag -join ',')" }), (Get-LoadAverage))
        $phase.Files | ForEach-Object -ThrottleLimit $phase.Jobs -Parallel {
            $name = Split-Path $_ -Leaf
            $json = Join-Path $using:work "$name.json"
            $psi = [Diagnostics.ProcessStartInfo]::new($using:pwsh)
            foreach ($a in @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $using:runner, '-Pester', $using:pester, '-Path', $_,
                    '-ResultPath', $json, '-Tag', ($using:Tag -join ','), '-ExcludeTag', ($using:ExcludeTag -join ','))) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardOutput = $true
            $psi.RedirectStandardError = $true
            # An empty, closed stdin: a native command in a test must not inherit this run's stdin, which may be a pipe
            # that never closes (CI runners, agents) and would hang a `docker model run` reading it to its end.
            $psi.RedirectStandardInput = $true
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $p = [Diagnostics.Process]::Start($psi)
            $p.StandardInput.Close()
            $out = $p.StandardOutput.ReadToEndAsync()
            $err = $p.StandardError.ReadToEndAsync()
            # A test that hangs must not hang the run: the file fails, with what it printed so far.
            $finished = $p.WaitForExit([int]($using:FileTimeoutMinutes * 60000))
            if (-not $finished) { $p.Kill($true); $null = $p.WaitForExit(10000) }
            $log = $out.Result + $err.Result
            if (-not $finished) { $log += "`nKILLED: $name ran longer than $($using:FileTimeoutMinutes) minutes." }
            $result = if ($finished -and (Test-Path $json)) { Get-Content -Raw $json | ConvertFrom-Json } else { $null }
            $p.Dispose()
            [pscustomobject]@{ Name = $name; Seconds = $sw.Elapsed.TotalSeconds; Result = $result; Log = $log }
        } | ForEach-Object {
            Write-Host $_.Log
            Write-Host ("=== {0}: {1:N0} s, {2} s CPU" -f $_.Name, $_.Seconds, $_.Result.CpuSeconds)
            $results.Add($_)
        }
    }
}
finally { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

$passed = 0; $failed = 0; $skipped = 0; $cpu = 0.0; $failures = [Collections.Generic.List[string]]::new()
foreach ($r in $results) {
    if ($null -eq $r.Result) { $failed++; $failures.Add("$($r.Name): the run did not report (crash?)"); continue }
    $passed += $r.Result.Passed; $failed += $r.Result.Failed; $skipped += $r.Result.Skipped; $cpu += $r.Result.CpuSeconds
    foreach ($f in @($r.Result.FailedNames)) { if ($f) { $failures.Add("$($r.Name): $f") } }
}
Write-Host ("Pester: {0} passed, {1} failed, {2} skipped in {3:N0} s, {4:N0} s CPU ({5}); load average {6}" -f $passed, $failed, $skipped,
    $clock.Elapsed.TotalSeconds, $cpu, (($results | Sort-Object Seconds -Descending | ForEach-Object { '{0} {1:N0} s' -f $_.Name, $_.Seconds }) -join ', '), (Get-LoadAverage))
foreach ($f in $failures) { Write-Host "  FAILED $f" }
# Only a run of every test of a file says how long that file takes.
if (-not $Tag -and -not $Full) {
    foreach ($r in $results) { $times[$r.Name] = [math]::Round($r.Seconds, 1) }
    $null = New-Item -ItemType Directory -Path (Split-Path $timesPath) -Force
    $times | ConvertTo-Json | Set-Content $timesPath
}
@{ Passed = $passed; Failed = $failed; Skipped = $skipped } | ConvertTo-Json | Set-Content $SummaryPath
