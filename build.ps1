<#
.SYNOPSIS
    The one entry point: Build (default), Test, Help, Bench, Package, Clean.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1              # leaves an importable module in out/Ultra.DockerModel
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Test                       # xunit + Pester; the last line is "N passed, N failed"
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Help', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',
    [string] $Configuration = 'Release',
    # Pester tags to run (e.g. Reliability); all when empty.
    [string[]] $Tag = @(),
    # Skip the xunit half of Test.
    [switch] $NoXunit,
    # Test: also the full-size load case (Pester tag FullLoad, a few minutes; .ci/run includes it).
    [switch] $Full
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$env:NO_COLOR = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'Ultra.DockerModel'
$Work = Join-Path $Root '.build'
$Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
. (Join-Path $Root 'tools/RunCost.ps1')

function Invoke-Native([string] $Command, [string[]] $Arguments) {
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Build {
    $publish = Join-Path $Work 'publish'
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/Ultra.DockerModel'), '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet')
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleOut | Out-Null
    # The module's own assemblies and what they need on Windows PowerShell 5.1 (pwsh 7 uses its own copies of the System.* ones).
    Get-ChildItem $publish -Filter *.dll | Where-Object Name -NE 'System.Management.Automation.dll' |
        Copy-Item -Destination $ModuleOut
    Copy-Item (Join-Path $Root 'Ultra.DockerModel.psd1') $ModuleOut
    Copy-Item (Join-Path $Root 'src/Ultra.DockerModel/Ultra.DockerModel.Format.ps1xml') $ModuleOut
    $help = Join-Path $Root 'en-US'
    if (Test-Path (Join-Path $help '*')) { Copy-Item $help $ModuleOut -Recurse }
    Write-Host "Module built: $ModuleOut"
}

function Invoke-Help {
    # A child pwsh reads the built cmdlets' metadata, so this process never locks the DLL.
    Invoke-Native $Pwsh @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/Build-Help.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'Ultra.DockerModel.psd1'), '-DocsPath', (Join-Path $Root 'docs'), '-OutputPath', (Join-Path $Root 'en-US'))
    Copy-Item (Join-Path $Root 'en-US') $ModuleOut -Recurse -Force
}

function Get-TrxCounts([string] $Path) {
    $run = ([xml](Get-Content -Raw $Path)).TestRun
    $counters = $run.ResultSummary.Counters
    # Skipped tests are not in the counters: they are the results marked NotExecuted, each with its reason.
    $skipped = @($run.Results.UnitTestResult | Where-Object outcome -EQ 'NotExecuted')
    foreach ($s in $skipped) { Write-Host "SKIPPED $($s.testName): $($s.Output.ErrorInfo.Message)" }
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted; Skipped = $skipped.Count }
}

function Invoke-Test {
    Invoke-Build
    # The xunit project builds the stand-in and the registry kit too (project references), so one build serves both halves.
    $projects = if ($NoXunit) { @('tests/ModelRunnerStandIn', 'tests/RegistryKit') } else { @('tests/Ultra.DockerModel.Tests') }
    foreach ($project in $projects) { Invoke-Native dotnet @('build', (Join-Path $Root $project), '-c', $Configuration, '--nologo', '-v', 'quiet') }
    $results = Join-Path $Work 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $results
    $passed = 0; $failed = 0; $skipped = 0
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $load = Get-LoadAverage

    # xunit runs in the background while Pester runs: neither shares a process, a port or a folder with the other.
    $xunit = $null
    if (-not $NoXunit) {
        $xunitArgs = @('test', (Join-Path $Root 'tests/Ultra.DockerModel.Tests'), '-c', $Configuration, '--no-build', '--nologo',
            '--logger', 'trx;LogFileName=xunit.trx', '--logger', 'console;verbosity=minimal', '--results-directory', $results)
        $xunit = Start-ThreadJob { $sw = [Diagnostics.Stopwatch]::StartNew(); & dotnet @using:xunitArgs 2>&1 | Out-String; "xunit: $([int]$sw.Elapsed.TotalSeconds) s" }
    }

    # Pester's files that may run side by side go while xunit runs; its *.Exclusive files (heavy load) run after xunit.
    foreach ($set in 'Parallel', 'Exclusive') {
        $pesterSummary = Join-Path $results "pester-$set.json"
        $pesterArgs = @('-ModulePath', (Join-Path $ModuleOut 'Ultra.DockerModel.psd1'), '-SummaryPath', $pesterSummary, '-Set', $set)
        if ($Tag) { $pesterArgs += @('-Tag', ($Tag -join ',')) }
        if ($Full) { $pesterArgs += '-Full' }
        & $Pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $Root 'tools/Invoke-PesterTests.ps1') @pesterArgs
        if (Test-Path $pesterSummary) { $p = Get-Content -Raw $pesterSummary | ConvertFrom-Json; $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped }
        else { $failed += 1; Write-Host 'Pester did not report (crash?)' }

        if ($xunit) {
            $xunit | Wait-Job | Receive-Job | Write-Host
            Remove-Job $xunit
            $xunit = $null
            $trx = Join-Path $results 'xunit.trx'
            if (Test-Path $trx) { $x = Get-TrxCounts $trx; $passed += $x.Passed; $failed += $x.Failed; $skipped += $x.Skipped }
            else { $failed += 1; Write-Host 'xunit did not report (crash?)' }
        }
    }

    Write-Host ("Tests took {0:N0} s; build and tests used {1:N0} s CPU; load average {2} at the start, {3} at the end" -f
        $clock.Elapsed.TotalSeconds, (Get-CpuSeconds), $load, (Get-LoadAverage))
    Write-Host "$skipped skipped (each with its reason above)"
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Bench {
    Invoke-Build
    Invoke-Native dotnet @('build', (Join-Path $Root 'tests/ModelRunnerStandIn'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    Invoke-Native dotnet @('build', (Join-Path $Root 'tests/RegistryKit'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    Invoke-Native $Pwsh @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/Invoke-Benchmark.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'Ultra.DockerModel.psd1'), '-OutputPath', (Join-Path $Out 'bench'))
}

function Invoke-Package {
    Invoke-Build
    $version = (Import-PowerShellDataFile (Join-Path $Root 'Ultra.DockerModel.psd1')).ModuleVersion
    $zip = Join-Path $Out "Ultra.DockerModel-$version.zip"
    Compress-Archive -Path $ModuleOut -DestinationPath $zip -Force
    Write-Host "Package: $zip"
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Help' { Invoke-Build; Invoke-Help }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
    'Clean' { foreach ($d in $Out, $Work) { if (Test-Path $d) { Remove-Item $d -Recurse -Force } }; Invoke-Native dotnet @('clean', (Join-Path $Root 'Ultra.DockerModel.sln'), '--nologo', '-v', 'quiet') }
}
