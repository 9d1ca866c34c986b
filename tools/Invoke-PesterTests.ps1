<#
.SYNOPSIS
    Runs the Pester suite in tests/pester against the built module and writes {Passed, Failed, Skipped} to a JSON file.
.DESCRIPTION
    Each test file runs in a child pwsh of its own (tools/Invoke-PesterFile.ps1), up to -Jobs at a time, longest first
    (by the durations the last run recorded in .build/pester-times.json). Files are independent: each starts its own
    stand-in on a free port and uses its own settings folder, so they run side by side safely. A file's output is
    printed whole when it ends. Run by build.ps1 -Task Test; Pester comes from NuGet into .build/packages.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # Tags to run (comma-separated in one string too, as pwsh -File passes it); all when empty.
    [string[]] $Tag = @(),
    # Tags to leave out; FullLoad (the full-size load case) unless -Full.
    [string[]] $ExcludeTag = @(),
    [switch] $Full,
    # Files run at once; 0 = ULTRA_DOCKERMODEL_TEST_JOBS, else the number of cores plus one (most tests wait on processes and timers).
    [int] $Jobs = 0,
    # Test files; all of tests/pester/*.Tests.ps1 when empty.
    [string[]] $Path = @(),
    # A file still running after this long is killed and counted as failed.
    [double] $FileTimeoutMinutes = 20
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
. (Join-Path $PSScriptRoot 'RunCost.ps1')
$packages = Join-Path $root '.build/packages'
& dotnet restore (Join-Path $PSScriptRoot 'BuildTools.csproj') --nologo -v quiet | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'Restoring Pester failed.' }
$pester = Join-Path $packages 'pester/5.9.1/tools/Pester.psd1'

$Tag = @($Tag -split ',' | Where-Object { $_ })
$ExcludeTag = @($ExcludeTag -split ',' | Where-Object { $_ })
if (-not $Full -and $Tag -notcontains 'FullLoad') { $ExcludeTag += 'FullLoad' }
if ($Jobs -le 0) { $Jobs = if ($env:ULTRA_DOCKERMODEL_TEST_JOBS) { [int]$env:ULTRA_DOCKERMODEL_TEST_JOBS } else { [Environment]::ProcessorCount + 1 } }
$files = if ($Path) { @($Path | ForEach-Object { (Resolve-Path $_).Path }) } else { @((Get-ChildItem (Join-Path $root 'tests/pester') -Filter '*.Tests.ps1').FullName) }

# Longest first, so the last file to start is a short one.
$timesPath = Join-Path $root '.build/pester-times.json'
$known = @{}
if (Test-Path $timesPath) { (Get-Content -Raw $timesPath | ConvertFrom-Json).PSObject.Properties | ForEach-Object { $known[$_.Name] = [double]$_.Value } }
$files = @($files | Sort-Object { $n = Split-Path $_ -Leaf; if ($known.ContainsKey($n)) { $known[$n] } else { (Get-Item $_).Length / 1000 } } -Descending)

$env:ULTRA_DOCKERMODEL_TEST_MODULE = $ModulePath
$work = Join-Path ([IO.Path]::GetTempPath()) ('udm-pester-' + [guid]::NewGuid().ToString('N'))
$null = New-Item -ItemType Directory -Path $work
$pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$runner = Join-Path $PSScriptRoot 'Invoke-PesterFile.ps1'
Write-Host "Pester: $($files.Count) files, $Jobs at a time$(if ($Tag) { "; tags $($Tag -join ',')" })$(if ($ExcludeTag) { "; excluding $($ExcludeTag -join ',')" }); load average $(Get-LoadAverage)"
$clock = [Diagnostics.Stopwatch]::StartNew()
try {
    $results = $files | ForEach-Object -ThrottleLimit $Jobs -Parallel {
        $name = Split-Path $_ -Leaf
        $json = Join-Path $using:work "$name.json"
        $psi = [Diagnostics.ProcessStartInfo]::new($using:pwsh)
        foreach ($a in @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $using:runner, '-Pester', $using:pester, '-Path', $_,
                '-ResultPath', $json, '-Tag', ($using:Tag -join ','), '-ExcludeTag', ($using:ExcludeTag -join ','))) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $p = [Diagnostics.Process]::Start($psi)
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
        $_
    }
}
finally { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }

$passed = 0; $failed = 0; $skipped = 0; $cpu = 0.0; $failures = [Collections.Generic.List[string]]::new()
foreach ($r in $results) {
    if ($null -eq $r.Result) { $failed++; $failures.Add("$($r.Name): the run did not report (crash?)"); continue }
    $passed += $r.Result.Passed; $failed += $r.Result.Failed; $skipped += $r.Result.Skipped; $cpu += $r.Result.CpuSeconds
    foreach ($f in @($r.Result.FailedNames)) { if ($f) { $failures.Add("$($r.Name): $f") } }
}
Write-Host ("Pester: {0} passed, {1} failed, {2} skipped in {3:N0} s, {4:N0} s CPU ({5})" -f $passed, $failed, $skipped, $clock.Elapsed.TotalSeconds, $cpu,
    (($results | Sort-Object Seconds -Descending | ForEach-Object { '{0} {1:N0} s' -f $_.Name, $_.Seconds }) -join ', '))
foreach ($f in $failures) { Write-Host "  FAILED $f" }
# Only a run of every test says how long each file takes.
if (-not $Tag -and -not $Path) {
    $times = [ordered]@{}
    foreach ($r in $results) { $times[$r.Name] = [math]::Round($r.Seconds, 1) }
    $null = New-Item -ItemType Directory -Path (Split-Path $timesPath) -Force
    $times | ConvertTo-Json | Set-Content $timesPath
}
@{ Passed = $passed; Failed = $failed; Skipped = $skipped } | ConvertTo-Json | Set-Content $SummaryPath
