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
    if ($Mode -eq 'Module') { (Invoke-LocalLlm -Model $Model -Prompt $Prompt -Stream | Measure-Object).Count }
    else { (& docker model run --color no $Model -- $Prompt | Measure-Object).Count }
}

Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1')
# Warm up with a small answer: JIT, the first process start, the first HTTP call, Measure-Object.
Set-Answer 0
$null = Invoke-Once 'warm up'
$null = Invoke-Once 'warm up'
Set-Answer $AnswerBytes

Measure-WorkingSetGrowth { Invoke-Once 'memory' } |
    Select-Object @{ n = 'Mode'; e = { $Mode } }, @{ n = 'AnswerBytes'; e = { $AnswerBytes } }, @{ n = 'Objects'; e = { $_.Result } }, * -ExcludeProperty Result |
    ConvertTo-Json -Compress
