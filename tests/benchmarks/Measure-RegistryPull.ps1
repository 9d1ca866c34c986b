<#
.SYNOPSIS
    Row 10, run in a fresh pwsh: the peak working-set growth of this process while Install-LocalModel -Source Registry
    pulls a model (blobs are streamed to disk, never held in memory). The module's store comes from the parent
    (ULTRA_DOCKERMODEL_MODELS_PATH, a fresh folder). A small model is pulled first to warm up the code path.
    Prints one JSON line.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Reference,
    [Parameter(Mandatory)] [string] $WarmUpReference
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1')
Install-LocalModel $WarmUpReference -Source Registry -ProgressAction SilentlyContinue

Measure-WorkingSetGrowth { (Install-LocalModel $Reference -Source Registry -PassThru -ProgressAction SilentlyContinue).Size } |
    Select-Object @{ n = 'Bytes'; e = { $_.Result } }, * -ExcludeProperty Result | ConvertTo-Json -Compress
