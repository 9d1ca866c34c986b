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
    [switch] $NoXunit
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
    Build-EmbeddedEngine (Join-Path $ModuleOut 'embedded')
    Write-Host "Module built: $ModuleOut"
}

# The embedded engine (net10.0, PowerShell 7.6+) in <module>/embedded: the engine, LLamaSharp and their dependencies,
# loaded into their own load context on first use. Left out: what the module root already has and shares with it
# (Core, Microsoft.Extensions.AI.Abstractions, ...), and natives that never run (multimodal, musl, arm64 Linux/Windows).
function Build-EmbeddedEngine([string] $Destination) {
    $built = Join-Path $Work 'embedded'
    if (Test-Path $built) { Remove-Item $built -Recurse -Force }
    Invoke-Native dotnet @('build', (Join-Path $Root 'src/Ultra.DockerModel.Embedded'), '-c', $Configuration, '-o', $built, '--nologo', '-v', 'quiet')
    $shared = 'Ultra.DockerModel.Core', 'Microsoft.Extensions.AI.Abstractions', 'Microsoft.Bcl.AsyncInterfaces', 'System.Text.Json', 'System.Text.Encodings.Web'
    New-Item -ItemType Directory -Path $Destination | Out-Null
    Get-ChildItem $built -Filter *.dll | Where-Object { $_.BaseName -notin $shared } | Copy-Item -Destination $Destination
    foreach ($rid in 'linux-x64', 'win-x64', 'osx-arm64', 'osx-x64') {
        $native = Join-Path $built "runtimes/$rid"
        Copy-Item $native (Join-Path $Destination "runtimes/$rid") -Recurse
    }
    Get-ChildItem $Destination -Recurse -File -Filter '*mtmd*' | Remove-Item
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
    Invoke-Native dotnet @('build', (Join-Path $Root 'tests/ModelRunnerStandIn'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    $results = Join-Path $Work 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $results
    $passed = 0; $failed = 0; $skipped = 0

    if (-not $NoXunit) {
        & dotnet test (Join-Path $Root 'tests/Ultra.DockerModel.Tests') -c $Configuration --nologo `
            --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=minimal' --results-directory $results
        $trx = Join-Path $results 'xunit.trx'
        if (Test-Path $trx) { $x = Get-TrxCounts $trx; $passed += $x.Passed; $failed += $x.Failed; $skipped += $x.Skipped }
        elseif ($LASTEXITCODE -ne 0) { $failed += 1; Write-Host 'xunit did not run (build failure?)' }
    }

    $pesterSummary = Join-Path $results 'pester.json'
    $pesterArgs = @('-ModulePath', (Join-Path $ModuleOut 'Ultra.DockerModel.psd1'), '-SummaryPath', $pesterSummary)
    if ($Tag) { $pesterArgs += @('-Tag', ($Tag -join ',')) }
    & $Pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $Root 'tools/Invoke-PesterTests.ps1') @pesterArgs
    if (Test-Path $pesterSummary) { $p = Get-Content -Raw $pesterSummary | ConvertFrom-Json; $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped }
    else { $failed += 1; Write-Host 'Pester did not report (crash?)' }

    Write-Host "$skipped skipped (each with its reason above)"
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Bench {
    Invoke-Build
    Invoke-Native dotnet @('build', (Join-Path $Root 'tests/ModelRunnerStandIn'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    Invoke-Native dotnet @('build', (Join-Path $Root 'tests/benchmarks/EngineBaseline'), '-c', $Configuration, '--nologo', '-v', 'quiet')
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
