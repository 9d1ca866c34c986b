<#
.SYNOPSIS
    Runs a Pester suite (tests/pester by default) against the built module and writes {Passed, Failed, Skipped} to a
    JSON file. Run by build.ps1 -Task Test in a child pwsh; Pester comes from NuGet into .build/packages.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string[]] $Tag = @(),
    [string] $Path = (Join-Path (Split-Path $PSScriptRoot -Parent) 'tests/pester')
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$packages = Join-Path $root '.build/packages'
& dotnet restore (Join-Path $PSScriptRoot 'BuildTools.csproj') --nologo -v quiet | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'Restoring Pester failed.' }
Import-Module (Join-Path $packages 'pester/5.9.1/tools/Pester.psd1') -Force

$env:ULTRA_DOCKERMODEL_TEST_MODULE = $ModulePath
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
if ($Tag) { $config.Filter.Tag = $Tag -split ',' }
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount } | ConvertTo-Json | Set-Content $SummaryPath
