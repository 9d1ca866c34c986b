<#
.SYNOPSIS
    The one entry point: Build (default; nothing to do when no input changed since the last build), Test, Help, Bench,
    Package, Clean.
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
    [switch] $Full,
    # Bench: a smoke run (row 2, fewest repetitions) that shows the harness works; its figures mean little.
    [switch] $Quick
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

# What a build reads (sources, props, manifest, licence, shipped help, this script) and the configuration, as one hash
# of names and contents: equal to the last successful build's, with out/ still there, means nothing to do. Contents,
# not times: the Help task rewrites en-US/ with the same bytes.
function Get-BuildInputStamp {
    $inputs = @(Get-ChildItem (Join-Path $Root 'src') -Recurse -File | Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }) +
        @(Get-ChildItem (Join-Path $Root 'en-US') -Recurse -File -ErrorAction SilentlyContinue) +
        @(Get-Item -LiteralPath (Join-Path $Root 'Directory.Build.props'), (Join-Path $Root 'Ultra.DockerModel.psd1'), (Join-Path $Root 'LICENSE'), $PSCommandPath)
    $lines = @($Configuration) + @($inputs | Sort-Object FullName | ForEach-Object { $_.FullName + '|' + (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash })
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($lines -join "`n")))
}

function Invoke-Build {
    $stampFile = Join-Path $Work 'build-inputs.sha256'
    $stamp = Get-BuildInputStamp
    if ((Test-Path (Join-Path $ModuleOut 'Ultra.DockerModel.psd1')) -and (Test-Path $stampFile) -and (Get-Content -Raw $stampFile).Trim() -eq $stamp) {
        Write-Host "Module up to date: $ModuleOut"
        return
    }
    if (Test-Path $stampFile) { Remove-Item $stampFile }
    $publish = Join-Path $Work 'publish'
    # Publish copies a package's file only when it is newer than the one there: a downgrade would leave the newer one.
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/Ultra.DockerModel'), '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet')
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleOut | Out-Null
    # The module's own assemblies and what they need on Windows PowerShell 5.1 (pwsh 7 uses its own copies of the System.* ones).
    Get-ChildItem $publish -Filter *.dll | Where-Object Name -NE 'System.Management.Automation.dll' |
        Copy-Item -Destination $ModuleOut
    Write-ModuleManifest (Join-Path $ModuleOut 'Ultra.DockerModel.psd1')
    Copy-Item (Join-Path $Root 'src/Ultra.DockerModel/Ultra.DockerModel.Format.ps1xml') $ModuleOut
    Copy-Item (Join-Path $Root 'LICENSE') $ModuleOut
    $help = Join-Path $Root 'en-US'
    if (Test-Path (Join-Path $help '*')) { Copy-Item $help $ModuleOut -Recurse }
    Assert-OlderHostsCanLoad $ModuleOut
    Build-EmbeddedEngine (Join-Path $ModuleOut 'embedded')
    Set-Content -LiteralPath $stampFile -Value $stamp
    Write-Host "Module built: $ModuleOut"
}

# The repository's manifest keeps ModuleVersion = '0.0.0'; the version the built assemblies carry (<Version> in
# Directory.Build.props, the one hand-kept copy) goes into the copy that ships, a pre-release label into PSData.
function Write-ModuleManifest([string] $Destination) {
    $source = Join-Path $Root 'Ultra.DockerModel.psd1'
    $placeholder = "ModuleVersion(\s*)=\s*'0\.0\.0'"
    $text = [IO.File]::ReadAllText($source) -replace '^# Source: .*\r?\n'
    if ($text -notmatch $placeholder) { throw "$source must keep ModuleVersion = '0.0.0': the version is <Version> in Directory.Build.props." }
    $version = (Get-Item (Join-Path $ModuleOut 'Ultra.DockerModel.dll')).VersionInfo.ProductVersion -replace '\+.*$'
    $release, $label = $version -split '-', 2
    $text = $text -replace $placeholder, "ModuleVersion`$1= '$release'"
    if ($label) { $text = $text -replace '(?m)^(\s*)PSData\s*=\s*@\{', "`$0`n`$1    Prerelease = '$label'" }
    [IO.File]::WriteAllText($Destination, $text, [Text.UTF8Encoding]::new($false))
}

# PowerShell 7.4 and 7.5 run on .NET 8 and 9, whose own System.* assemblies win over the module's: a shipped System.* or
# Microsoft.Bcl.* assembly above 8.0.0.0, or a shipped assembly compiled against one, cannot load there
# (docs/guides/architecture.md, "Which hosts it loads in"). Subfolders (the embedded engine, PowerShell 7.6+ only)
# load in their own context and are not checked.
function Assert-OlderHostsCanLoad([string] $Folder) {
    $ceiling = [version]'8.0.0.0'
    $hostOwned = '^(System|Microsoft\.Bcl)\.'
    $tooNew = foreach ($dll in Get-ChildItem (Join-Path $Folder '*.dll') -File) {
        $pe = [Reflection.PortableExecutable.PEReader]::new([IO.File]::OpenRead($dll.FullName))
        try {
            $metadata = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            $self = $metadata.GetAssemblyDefinition()
            if ($metadata.GetString($self.Name) -match $hostOwned -and $self.Version -gt $ceiling) { "$($dll.Name) is $($self.Version)" }
            foreach ($handle in $metadata.AssemblyReferences) {
                $ref = $metadata.GetAssemblyReference($handle)
                $name = $metadata.GetString($ref.Name)
                if ($name -match $hostOwned -and $ref.Version -gt $ceiling) { "$($dll.Name) needs $name $($ref.Version)" }
            }
        }
        finally { $pe.Dispose() }
    }
    if ($tooNew) {
        throw "The module would not load on .NET 8 (PowerShell 7.4): $(@($tooNew | Sort-Object -Unique) -join '; '). Shipped System.* and Microsoft.Bcl.* assemblies must be $ceiling or lower: pin the package that brings them to a version that is."
    }
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
    # The xunit project builds the stand-in and the registry kit too (project references), so one build serves both halves.
    $projects = if ($NoXunit) { @('tests/ModelRunnerStandIn', 'tests/RegistryKit') } else { @('tests/Ultra.DockerModel.Tests') }
    foreach ($project in $projects) { Invoke-Native dotnet @('build', (Join-Path $Root $project), '-c', $Configuration, '--nologo', '-v', 'quiet') }
    # Portability.Tests.ps1's host, compiled against the built Core; also lays out .NET 8 and 9 in .build/dotnet-alt.
    Invoke-Native dotnet @('build', (Join-Path $Root 'tests/PortabilityHost'), '-c', $Configuration, '--nologo', '-v', 'quiet')
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

    # Pester's files that may run side by side go while xunit runs; its *.Exclusive files (heavy load) run after xunit;
    # build.ps1's own tasks (tests/build) last, because they rebuild out/.
    foreach ($set in 'Parallel', 'Exclusive', 'Build') {
        $pesterSummary = Join-Path $results "pester-$set.json"
        $which = if ($set -eq 'Build') { @('-Set', 'All', '-Path', (Join-Path $Root 'tests/build/*.Tests.ps1')) } else { @('-Set', $set) }
        $pesterArgs = @('-ModulePath', (Join-Path $ModuleOut 'Ultra.DockerModel.psd1'), '-SummaryPath', $pesterSummary) + $which
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
    # The registry rows' kit and the engine rows' bare loop; -Quick (row 2 only) needs neither.
    if (-not $Quick) {
        Invoke-Native dotnet @('build', (Join-Path $Root 'tests/RegistryKit'), '-c', $Configuration, '--nologo', '-v', 'quiet')
        Invoke-Native dotnet @('build', (Join-Path $Root 'tests/benchmarks/EngineBaseline'), '-c', $Configuration, '--nologo', '-v', 'quiet')
    }
    $quickArgs = if ($Quick) { @('-Rows', '2', '-Scale', '0') } else { @() }
    Invoke-Native $Pwsh (@('-NoLogo', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/benchmarks/Invoke-Benchmark.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'Ultra.DockerModel.psd1'), '-OutputPath', (Join-Path $Out 'bench')) + $quickArgs)
}

# A PowerShell Gallery package of whatever Build laid out in out/Ultra.DockerModel, made by Publish-PSResource.
function Invoke-Package {
    Invoke-Build
    Get-ChildItem $Out -Filter 'Ultra.DockerModel.*.nupkg' | Remove-Item
    Invoke-Native $Pwsh @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/Publish-ModulePackage.ps1'),
        '-ModulePath', $ModuleOut, '-OutputPath', $Out)
    $package = Get-Item (Join-Path $Out 'Ultra.DockerModel.*.nupkg')
    Write-Host ("Package: {0} ({1:N0} KB)" -f $package.FullName, ($package.Length / 1KB))
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Help' { Invoke-Build; Invoke-Help }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
    'Clean' { foreach ($d in $Out, $Work) { if (Test-Path $d) { Remove-Item $d -Recurse -Force } }; Invoke-Native dotnet @('clean', (Join-Path $Root 'Ultra.DockerModel.sln'), '--nologo', '-v', 'quiet') }
}
