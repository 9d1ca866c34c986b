<#
.SYNOPSIS
    Runs one Pester test file (in the pwsh that Invoke-PesterTests.ps1 starts for it) and writes
    {Passed, Failed, Skipped, FailedNames, CpuSeconds} to -ResultPath.
#>
param(
    [Parameter(Mandatory)] [string] $Pester,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Comma-separated, as pwsh -File passes one string.
    [string] $Tag = '',
    [string] $ExcludeTag = ''
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'RunCost.ps1')
Import-Module $Pester -Force
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
if ($Tag) { $config.Filter.Tag = $Tag -split ',' }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag -split ',' }
$result = Invoke-Pester -Configuration $config
$failedNames = @($result.Failed | ForEach-Object { $_.ExpandedPath }) + @($result.FailedBlocks | ForEach-Object { "$($_.Path -join '.') (setup)" }) +
    @($result.FailedContainers | ForEach-Object { "$($_.Item) (file)" })
@{
    Passed      = $result.PassedCount
    Failed      = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped     = $result.SkippedCount
    FailedNames = $failedNames
    CpuSeconds  = [math]::Round((Get-CpuSeconds), 1)
} | ConvertTo-Json | Set-Content $ResultPath
