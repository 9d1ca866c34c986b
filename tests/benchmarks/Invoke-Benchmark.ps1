<#
.SYNOPSIS
    The module's overhead over the raw docker CLI, measured side by side against the stand-in runner (issue 6).
.DESCRIPTION
    Each row is the module's figure, the raw figure measured in the same run, and their ratio or difference, as
    medians over repeated, interleaved runs. Prints the table and writes <OutputPath>/results.md and results.json.
    Run through the build: dotnet pwsh ./build.ps1 -Task Bench
.PARAMETER Rows
    Only these rows (1-13, 20; 21-24 the embedded engine), for working on one figure. Rows 9 and 10 pull from a real
    docker-registry (Debian's package) on a loopback port, with no runner involved.
.PARAMETER Scale
    Multiplies the repetition counts (0.5 for a quick look, 2 for tighter medians).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath,
    # A list like 3,8 (as one string too, as pwsh -File passes it).
    [string[]] $Rows = @('1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '20', '21', '22', '23', '24'),
    [double] $Scale = 1.0,
    [string] $Model = 'ai/smollm2'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'

$Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$ModulePath = (Resolve-Path $ModulePath).Path
Import-Module (Join-Path $PSScriptRoot 'Bench.psm1') -Force
Import-Module (Join-Path $Root 'tests/ModelRunnerStandIn/StandIn.psm1') -Force
$Rows = @($Rows -split ',' | Where-Object { $_ } | ForEach-Object { [int]$_ })
$Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
function N([int] $n) { [math]::Max(3, [int][math]::Round($n * $Scale)) }

$total = [System.Diagnostics.Stopwatch]::StartNew()
$home2 = Join-Path ([IO.Path]::GetTempPath()) ('udm-bench-' + [guid]::NewGuid().ToString('N'))
$null = New-Item -ItemType Directory -Path $home2
$env:ULTRA_DOCKERMODEL_HOME = $home2
$machine = Get-MachineInfo
function Get-LoadAverage { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0..2] -join ' ' } }
$machine.LoadAtStart = Get-LoadAverage
Write-BenchLine ("machine: {0} cores, {1} GB, {2}, {3}, pwsh {4}" -f $machine.Cores, $machine.MemoryGB, $machine.OS, $machine.DotnetRuntime, $machine.Pwsh)

# First piece of `Invoke-LocalLlm -Stream`, measured downstream in the pipeline, from the moment the call starts.
function Measure-ModuleFirstPiece {
    param([string] $Prompt, [hashtable] $Extra = @{})
    $script:first = $null
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    Invoke-LocalLlm -Prompt $Prompt -Stream @Extra | ForEach-Object { if ($null -eq $script:first) { $script:first = $sw.Elapsed.TotalMilliseconds } }
    $all = $sw.Elapsed.TotalMilliseconds
    if ($null -eq $script:first) { throw 'Invoke-LocalLlm produced nothing.' }
    [pscustomobject]@{ First = $script:first; Total = $all }
}

Import-Module $ModulePath
$primary = $null; $backup = $null
try {
    Write-BenchLine 'starting the stand-in runner (primary) and a second one (the OpenAI-compatible backup)'
    $primary = Start-StandIn -Installed $Model
    Enable-StandIn $primary
    $backup = Start-StandIn -Installed $Model
    $backupEndpoint = "$($backup.Url)/v1"
    $null = Set-StandInConfig $primary @{ tokenDelayMs = 0; answerBytes = 0 }
    # Warm both paths once: the first process start, JIT of the module and of the pipeline code.
    $null = & docker model ls --json
    $null = Get-LocalModel
    $null = Invoke-LocalLlm -Model $Model -Prompt 'warm up' -Stream -Transport Cli
    $null = Invoke-LocalLlm -Model $Model -Prompt 'warm up' -Stream -Transport Http
    $null = Measure-RawFirstByte $Model 'warm up'

    # ---------------------------------------------------------------- 1. import
    if ($Rows -contains 1) {
        $n = N 13
        Write-BenchLine "row 1: import cost, $n fresh pwsh with Import-Module vs $n bare fresh pwsh (interleaved)"
        $bare = @('-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '$null')
        $import = @('-NoLogo', '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$($ModulePath.Replace("'", "''"))'")
        # In-process view of the same thing: the Import-Module call alone, timed inside a fresh pwsh.
        $inside = @('-NoLogo', '-NoProfile', '-NonInteractive', '-Command',
            "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$($ModulePath.Replace("'", "''"))'; `$sw.Elapsed.TotalMilliseconds")
        # What Import-Module itself costs, whatever the module: an empty manifest module, timed the same way.
        $emptyModule = Join-Path $home2 'EmptyModule/EmptyModule.psd1'
        $null = New-Item -ItemType Directory -Path (Split-Path $emptyModule) -Force
        Set-Content -LiteralPath $emptyModule -Value "@{ ModuleVersion = '1.0'; GUID = '$([guid]::NewGuid())'; FunctionsToExport = @(); CmdletsToExport = @() }"
        $emptyInside = @('-NoLogo', '-NoProfile', '-NonInteractive', '-Command',
            "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$($emptyModule.Replace("'", "''"))'; `$sw.Elapsed.TotalMilliseconds")
        $null = Measure-ProcessWallTime $Pwsh $bare; $null = Measure-ProcessWallTime $Pwsh $import
        $bareMs = @(); $importMs = @(); $insideMs = @(); $emptyMs = @()
        for ($i = 0; $i -lt $n; $i++) {
            if ($i % 2) { $importMs += (Measure-ProcessWallTime $Pwsh $import).Ms; $bareMs += (Measure-ProcessWallTime $Pwsh $bare).Ms }
            else { $bareMs += (Measure-ProcessWallTime $Pwsh $bare).Ms; $importMs += (Measure-ProcessWallTime $Pwsh $import).Ms }
        }
        for ($i = 0; $i -lt [math]::Max(3, [int]($n / 2)); $i++) {
            $insideMs += [double]((Measure-ProcessWallTime $Pwsh $inside).Output.Trim())
            $emptyMs += [double]((Measure-ProcessWallTime $Pwsh $emptyInside).Output.Trim())
        }
        $m = Get-Median $importMs; $r = Get-Median $bareMs; $added = $m - $r
        $paired = Get-Median @(for ($i = 0; $i -lt $n; $i++) { $importMs[$i] - $bareMs[$i] })
        Add-Row -Id 1 -Measure 'Import (fresh pwsh)' -Module $m -Raw $r -Unit 'ms' -Goal 'added < 100' `
            -Note ("median of the $n paired differences: {0:N0} ms; Import-Module alone, timed inside a fresh pwsh: median {1:N0} ms, of which PowerShell's own Import-Module (an empty manifest module, timed the same way): median {2:N0} ms" -f $paired, (Get-Median $insideMs), (Get-Median $emptyMs)) `
            -Detail @{ ImportMs = (Get-Summary $importMs); BareMs = (Get-Summary $bareMs); ImportModuleInsideMs = (Get-Summary $insideMs); EmptyModuleInsideMs = (Get-Summary $emptyMs); PairedDifferenceMs = [math]::Round($paired, 1) }
    }

    # ---------------------------------------------------------------- 2. listing
    if ($Rows -contains 2) {
        $n = N 50
        Write-BenchLine "row 2: listing, $n x Get-LocalModel vs $n x docker model ls --json | ConvertFrom-Json (interleaved, warm pwsh)"
        $mod = [double[]]::new($n); $raw = [double[]]::new($n)
        $sw = [System.Diagnostics.Stopwatch]::new()
        for ($i = 0; $i -lt $n; $i++) {
            if ($i % 2) {
                $sw.Restart(); $a = Get-LocalModel; $mod[$i] = $sw.Elapsed.TotalMilliseconds
                $sw.Restart(); $b = & docker model ls --json | ConvertFrom-Json; $raw[$i] = $sw.Elapsed.TotalMilliseconds
            }
            else {
                $sw.Restart(); $b = & docker model ls --json | ConvertFrom-Json; $raw[$i] = $sw.Elapsed.TotalMilliseconds
                $sw.Restart(); $a = Get-LocalModel; $mod[$i] = $sw.Elapsed.TotalMilliseconds
            }
            if (@($a).Count -ne @($b).Count) { throw "Get-LocalModel returned $(@($a).Count) models, docker model ls $(@($b).Count)." }
        }
        $m = Get-Median $mod; $r = Get-Median $raw
        Add-Row -Id 2 -Measure "Listing ($n calls, per call)" -Module $m -Raw $r -Unit 'ms' -Goal 'ratio <= 1.10' `
            -Detail @{ ModuleMs = (Get-Summary $mod); RawMs = (Get-Summary $raw); ModuleTotalMs = [math]::Round(($mod | Measure-Object -Sum).Sum); RawTotalMs = [math]::Round(($raw | Measure-Object -Sum).Sum) }
    }

    # ---------------------------------------------------------------- 3. first piece
    if ($Rows -contains 3) {
        $n = N 41
        # An answer that begins with a word and a colon is the worst case for the auto-install preamble filter
        # ("Note:" could still be "latest: Pulling from docker/model-runner"), issue 10 item 17.
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 0; answerBytes = 0; answerPrefix = 'Note: ' }
        Write-BenchLine "row 3: first piece of an answer starting 'Note: ', $n x Invoke-LocalLlm -Stream vs $n x first stdout byte of docker model run (interleaved)"
        $mod = @(); $raw = @()
        for ($i = 0; $i -lt $n; $i++) {
            if ($i % 2) { $mod += (Measure-ModuleFirstPiece 'first piece' @{ Model = $Model; Transport = 'Cli' }).First; $raw += Measure-RawFirstByte $Model 'first piece' }
            else { $raw += Measure-RawFirstByte $Model 'first piece'; $mod += (Measure-ModuleFirstPiece 'first piece' @{ Model = $Model; Transport = 'Cli' }).First }
        }
        $m = Get-Median $mod; $r = Get-Median $raw; $added = $m - $r
        # Each module run sits next to a raw run: the median of those pair differences shrugs off the machine's drifts.
        $paired = Get-Median @(for ($i = 0; $i -lt $n; $i++) { $mod[$i] - $raw[$i] })
        $null = Set-StandInConfig $primary @{ answerPrefix = '' }
        Add-Row -Id 3 -Measure 'First piece (CLI), answer starting "Note: "' -Module $m -Raw $r -Unit 'ms' -Goal 'added <= 2' `
            -Note ("median of the $n paired differences: {0:N1} ms; fastest run: module {1:N1} ms, raw {2:N1} ms" -f $paired, ($mod | Measure-Object -Minimum).Minimum, ($raw | Measure-Object -Minimum).Minimum) `
            -Detail @{ ModuleMs = (Get-Summary $mod); RawMs = (Get-Summary $raw); PairedDifferenceMs = [math]::Round($paired, 2) }
    }

    # ---------------------------------------------------------------- 4. streaming throughput
    if ($Rows -contains 4) {
        $n = N 9
        $bytes = 4MB
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 0; answerBytes = $bytes }
        Write-BenchLine "row 4: streaming throughput, a $($bytes / 1MB) MB answer with no token delay, $n x -Stream | Measure-Object vs $n x & docker model run | Measure-Object"
        $modMs = @(); $rawMs = @(); $pieces = @(); $lines = @(); $modCpu = @(); $rawCpu = @()
        $sw = [System.Diagnostics.Stopwatch]::new()
        $me = [System.Diagnostics.Process]::GetCurrentProcess()
        $null = Invoke-LocalLlm -Model $Model -Prompt 'throughput' -Stream -Transport Cli | Measure-Object
        $null = & docker model run --color no $Model -- 'throughput' | Measure-Object
        # Wall time, and the CPU time this pwsh spent (decoding and piping; the docker processes are not counted).
        $runModule = {
            $me.Refresh(); $cpu0 = $me.TotalProcessorTime.TotalMilliseconds; $sw.Restart()
            $c = (Invoke-LocalLlm -Model $Model -Prompt 'throughput' -Stream -Transport Cli | Measure-Object).Count
            $script:modMs += $sw.Elapsed.TotalMilliseconds; $me.Refresh(); $script:modCpu += $me.TotalProcessorTime.TotalMilliseconds - $cpu0; $script:pieces += $c
        }
        $runRaw = {
            $me.Refresh(); $cpu0 = $me.TotalProcessorTime.TotalMilliseconds; $sw.Restart()
            $c = (& docker model run --color no $Model -- 'throughput' | Measure-Object).Count
            $script:rawMs += $sw.Elapsed.TotalMilliseconds; $me.Refresh(); $script:rawCpu += $me.TotalProcessorTime.TotalMilliseconds - $cpu0; $script:lines += $c
        }
        for ($i = 0; $i -lt $n; $i++) { if ($i % 2) { . $runModule; . $runRaw } else { . $runRaw; . $runModule } }
        $mb = $bytes / 1MB
        $m = $mb / ((Get-Median $modMs) / 1000); $r = $mb / ((Get-Median $rawMs) / 1000)
        $piecesPerSec = (Get-Median $pieces) / ((Get-Median $modMs) / 1000)
        Add-Row -Id 4 -Measure "Streaming throughput ($mb MB answer)" -Module $m -Raw $r -Ratio ($m / $r) -Added ((Get-Median $modMs) - (Get-Median $rawMs)) -Unit 'MB/s' `
            -Goal 'ratio >= 1.0' `
            -Note ("module: {0:N0} pieces per call, {1:N0} pieces/s; raw: {2} line per call (the answer has no newline inside, so MB/s is the common unit). CPU time of this pwsh per call: module {3:N0} ms, raw {4:N0} ms" -f (Get-Median $pieces), $piecesPerSec, (Get-Median $lines), (Get-Median $modCpu), (Get-Median $rawCpu)) `
            -Detail @{ ModuleMs = (Get-Summary $modMs); RawMs = (Get-Summary $rawMs); ModulePieces = (Get-Summary $pieces 0); RawLines = (Get-Summary $lines 0); ModulePiecesPerSecond = [math]::Round($piecesPerSec)
                ModuleCpuMs = (Get-Summary $modCpu); RawCpuMs = (Get-Summary $rawCpu) }
        $null = Set-StandInConfig $primary @{ answerBytes = 0 }
    }

    # ---------------------------------------------------------------- 5. transports
    if ($Rows -contains 5) {
        $n = N 21
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 0; answerBytes = 0 }
        Write-BenchLine "row 5: transports, $n x first piece over the CLI vs $n x over HTTP (MODEL_RUNNER_HOST)"
        $cli = @(); $http = @()
        for ($i = 0; $i -lt $n; $i++) {
            $cli += (Measure-ModuleFirstPiece 'transport' @{ Model = $Model; Transport = 'Cli' }).First
            $http += (Measure-ModuleFirstPiece 'transport' @{ Model = $Model; Transport = 'Http' }).First
        }
        $c = Get-Median $cli; $h = Get-Median $http
        Add-Row -Id 5 -Measure 'First piece: CLI (module) vs HTTP (raw column)' -Module $c -Raw $h -Unit 'ms' -Goal 'report' `
            -Note 'Both columns are the module; Raw holds -Transport Http. The CLI pays for two process starts (docker, then the plugin).' `
            -Detail @{ CliMs = (Get-Summary $cli); HttpMs = (Get-Summary $http) }
    }

    # ---------------------------------------------------------------- 6. fallback
    if ($Rows -contains 6) {
        $n = N 21
        $firstN = N 5
        Write-BenchLine "row 6: fallback from a stopped runner to an OpenAI-compatible backup: $firstN first calls, $n later calls (cool-down) vs $n direct calls"
        $null = Set-StandInConfig $primary @{ fault = 'not-running' }
        $backupEntry = @{ Name = 'backup'; Kind = 'OpenAICompatible'; Model = $Model; Endpoint = $backupEndpoint }
        $direct = @(); $firstCall = @(); $later = @()
        Set-LlmProviderFallback -Provider @(@{ Name = 'warm'; Kind = 'DockerModelRunner'; Model = $Model }, $backupEntry) -CooldownSec 300 -Confirm:$false
        $null = Invoke-LocalLlm -Prompt 'warm up'
        $null = Invoke-LocalLlm -Provider backup -Prompt 'warm up'
        # Each "first call" uses a fresh provider name, so no cool-down from a previous round applies.
        for ($i = 0; $i -lt $firstN; $i++) {
            Set-LlmProviderFallback -Provider @(@{ Name = "local$i"; Kind = 'DockerModelRunner'; Model = $Model }, $backupEntry) -CooldownSec 300 -Confirm:$false
            $firstCall += (Measure-ModuleFirstPiece 'fallback').Total
            $direct += (Measure-ModuleFirstPiece 'fallback' @{ Provider = 'backup' }).Total
        }
        for ($i = 0; $i -lt $n; $i++) {
            if ($i % 2) { $later += (Measure-ModuleFirstPiece 'fallback').Total; $direct += (Measure-ModuleFirstPiece 'fallback' @{ Provider = 'backup' }).Total }
            else { $direct += (Measure-ModuleFirstPiece 'fallback' @{ Provider = 'backup' }).Total; $later += (Measure-ModuleFirstPiece 'fallback').Total }
        }
        $requests = @(Get-StandInRequests $backup).Count
        $d = Get-Median $direct; $f = Get-Median $firstCall; $l = Get-Median $later
        Add-Row -Id '6' -Measure 'Fallback, first call (whole call)' -Module $f -Raw $d -Unit 'ms' -Goal 'report' `
            -Note 'Detecting the stopped runner: with the endpoint known (MODEL_RUNNER_HOST here), Auto asks it over HTTP and the runner refuses at once (503); over the CLI it costs one docker process that fails.' -Detail @{ FirstMs = (Get-Summary $firstCall); DirectMs = (Get-Summary $direct) }
        Add-Row -Id '6' -Measure 'Fallback, later call in the cool-down' -Module $l -Raw $d -Unit 'ms' -Goal 'added <= 5' `
            -Note 'The stopped runner is skipped from memory (cool-down); no process is started.' `
            -Detail @{ LaterMs = (Get-Summary $later); DirectMs = (Get-Summary $direct); BackupRequests = $requests }
        $null = Set-StandInConfig $primary @{ fault = 'none' }
        Clear-LlmProviderFallback -Confirm:$false
    }

    # ---------------------------------------------------------------- 7. concurrency
    if ($Rows -contains 7) {
        $delay = 20
        $perWorker = 4
        $rounds = N 3
        $null = Set-StandInConfig $primary @{ tokenDelayMs = $delay; answerBytes = 0; fault = 'none' }
        Write-BenchLine "row 7: concurrency 1, 2, 4, 8 workers x $perWorker calls (ForEach-Object -Parallel), tokenDelayMs $delay, $rounds rounds each"
        $levels = [ordered]@{}
        foreach ($workers in 1, 2, 4, 8) {
            $rates = @(); $rawRates = @()
            for ($round = 0; $round -lt $rounds; $round++) {
                foreach ($kind in 'Module', 'Raw') {
                    $spans = 1..$workers | ForEach-Object -ThrottleLimit $workers -Parallel {
                        $ErrorActionPreference = 'Stop'
                        if ($using:kind -eq 'Module') { Import-Module $using:ModulePath }
                        $start = [System.Diagnostics.Stopwatch]::GetTimestamp()
                        for ($k = 0; $k -lt $using:perWorker; $k++) {
                            if ($using:kind -eq 'Module') { $null = Invoke-LocalLlm -Model $using:Model -Prompt "worker $_ call $k" -Transport Cli }
                            else { $null = & docker model run --color no $using:Model -- "worker $_ call $k" }
                        }
                        [pscustomobject]@{ Start = $start; End = [System.Diagnostics.Stopwatch]::GetTimestamp() }
                    }
                    $seconds = (($spans.End | Measure-Object -Maximum).Maximum - ($spans.Start | Measure-Object -Minimum).Minimum) / [System.Diagnostics.Stopwatch]::Frequency
                    $rate = $workers * $perWorker / $seconds
                    if ($kind -eq 'Module') { $rates += $rate } else { $rawRates += $rate }
                }
            }
            $levels["$workers"] = @{ ModuleCallsPerSecond = (Get-Summary $rates); RawCallsPerSecond = (Get-Summary $rawRates) }
            Write-BenchLine ("  {0} worker(s): module {1:N2} calls/s, raw docker model run {2:N2} calls/s" -f $workers, (Get-Median $rates), (Get-Median $rawRates))
        }
        $one = $levels['1'].ModuleCallsPerSecond.Median
        foreach ($workers in 1, 2, 4, 8) {
            $lv = $levels["$workers"]
            $mm = $lv.ModuleCallsPerSecond.Median; $rr = $lv.RawCallsPerSecond.Median
            Add-Row -Id 7 -Measure "Concurrency $workers (calls/s; scaling x$('{0:N2}' -f ($mm / $one)))" -Module $mm -Raw $rr -Added $null -Unit 'calls/s' -Goal 'report' `
                -Note $(if ($workers -eq 8) { "Raw = the same $perWorker calls per worker as & docker model run in the same ForEach-Object -Parallel; each call is a docker + plugin process start plus about $delay ms per piece." } else { '' }) `
                -Detail @{ Workers = $workers; Scaling = [math]::Round($mm / $one, 2); Level = $lv }
        }
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 0 }
    }

    # ---------------------------------------------------------------- 8. memory
    if ($Rows -contains 8) {
        $n = N 5
        $bytes = 10MB
        Write-BenchLine "row 8: memory, a $($bytes / 1MB) MB answer through -Stream | Measure-Object in a fresh pwsh ($n runs; raw & docker model run | Measure-Object for reference)"
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 0; answerBytes = 0; fault = 'none' }
        $script = Join-Path $PSScriptRoot 'Measure-Memory.ps1'
        $mod = @(); $raw = @(); $runs = @()
        for ($i = 0; $i -lt $n; $i++) {
            foreach ($mode in 'Module', 'Raw') {
                $out = Measure-ProcessWallTime $Pwsh @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', $ModulePath, '-Mode', $mode, '-Model', $Model, '-AnswerBytes', "$bytes")
                $j = ($out.Output.Trim() -split "`n")[-1] | ConvertFrom-Json
                $growth = if ($null -ne $j.PeakGrowthMB) { [double]$j.PeakGrowthMB } else { [double]$j.SampledGrowthMB }
                if ($mode -eq 'Module') { $mod += $growth } else { $raw += $growth }
                $runs += $j
                Write-BenchLine ("  {0}: growth {1} MB (sampled {2} MB, {3} objects, {4} s)" -f $mode, $growth, $j.SampledGrowthMB, $j.Objects, $j.Seconds)
            }
        }
        $null = Set-StandInConfig $primary @{ answerBytes = 0 }
        $m = Get-Median $mod; $r = Get-Median $raw
        Add-Row -Id 8 -Measure "Memory: peak working-set growth, $($bytes / 1MB) MB answer" -Module $m -Raw $r -Unit 'MB' -AddedUnit 'MB' `
            -Goal 'module < 30' -Detail @{ ModuleMB = (Get-Summary $mod 1); RawMB = (Get-Summary $raw 1); Runs = $runs }
    }

    # ---------------------------------------------------------------- 11, 12. first piece in Auto with the HTTP API there
    if ($Rows -contains 11 -or $Rows -contains 12) {
        $n = N 41
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 0; answerBytes = 0; fault = 'none' }
        # As on Docker Engine: no MODEL_RUNNER_HOST, the module finds the endpoint through `docker model status --json`
        # once (the warm-up call below) and remembers it, so no call after it starts a process.
        Enable-StandIn $primary -Engine
        try {
            $null = Invoke-LocalLlm -Model $Model -Prompt 'warm up' -Stream
            $statusBefore = (Get-StandInStats $primary).statusRequests
            $http = [System.Net.Http.HttpClient]::new()
            $chatUrl = "$($primary.Url)/engines/v1/chat/completions"
            $auto = { (Measure-ModuleFirstPiece 'first piece' @{ Model = $Model }).First }
            if ($Rows -contains 11) {
                Write-BenchLine "row 11: first piece, $n x Invoke-LocalLlm -Stream (Auto) vs $n x first byte of the same request over HTTP (one HttpClient, interleaved)"
                $null = Measure-RawHttpFirstByte $http $chatUrl $Model 'first piece'
                $pairs = Measure-Interleaved -Count $n -Module $auto -Raw { Measure-RawHttpFirstByte $http $chatUrl $Model 'first piece' }
                $paired = Get-Median @(for ($i = 0; $i -lt $n; $i++) { $pairs.Module[$i] - $pairs.Raw[$i] })
                Add-Row -Id 11 -Measure 'First piece: Auto (HTTP known) vs raw HTTP first byte' -Module (Get-Median $pairs.Module) -Raw (Get-Median $pairs.Raw) -Unit 'ms' -Goal 'added <= 2' `
                    -Note ("median of the $n paired differences: {0:N2} ms. Raw: the same POST (stream: true) through one HttpClient, timed to the first byte of the body." -f $paired) `
                    -Detail @{ ModuleMs = (Get-Summary $pairs.Module); RawMs = (Get-Summary $pairs.Raw); PairedDifferenceMs = [math]::Round($paired, 2) }
            }
            if ($Rows -contains 12) {
                Write-BenchLine "row 12: first piece, $n x Invoke-LocalLlm -Stream (Auto) vs $n x first stdout byte of docker model run (interleaved)"
                $pairs = Measure-Interleaved -Count $n -Module $auto -Raw { Measure-RawFirstByte $Model 'first piece' }
                Add-Row -Id 12 -Measure 'First piece: Auto (HTTP known) vs raw CLI first byte' -Module (Get-Median $pairs.Module) -Raw (Get-Median $pairs.Raw) -Unit 'ms' -Goal 'ratio <= 0.5' `
                    -Note 'Raw: docker model run, timed to its first stdout byte (a docker and a plugin process start).' `
                    -Detail @{ ModuleMs = (Get-Summary $pairs.Module); RawMs = (Get-Summary $pairs.Raw) }
            }
            $statusCalls = (Get-StandInStats $primary).statusRequests - $statusBefore
            if ($statusCalls) { throw "the measured calls ran docker model status $statusCalls time(s): the endpoint was not remembered" }
            $http.Dispose()
        }
        finally { Enable-StandIn $primary }
    }

    # ---------------------------------------------------------------- 13. a batch in parallel
    if ($Rows -contains 13) {
        $rounds = N 3
        $delay = 10
        $null = Set-StandInConfig $primary @{ tokenDelayMs = $delay; answerBytes = 0; fault = 'none' }
        Write-BenchLine "row 13: 100 prompts through ForEach-Object -Parallel -ThrottleLimit 4, Invoke-LocalLlm (Auto) vs raw HTTP, tokenDelayMs $delay, $rounds rounds"
        $http = [System.Net.Http.HttpClient]::new()
        $chatUrl = "$($primary.Url)/engines/v1/chat/completions"
        $batch = {
            param([string] $Kind)
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $texts = 1..100 | ForEach-Object -ThrottleLimit 4 -Parallel {
                if ($using:Kind -eq 'Module') {
                    Import-Module $using:ModulePath
                    (Invoke-LocalLlm -Model $using:Model -Prompt "batch $_").Text
                }
                else {
                    $body = @{ model = $using:Model; stream = $true; messages = @(@{ role = 'user'; content = "batch $_" }) } | ConvertTo-Json -Compress
                    $content = [System.Net.Http.StringContent]::new($body, [System.Text.Encoding]::UTF8, 'application/json')
                    ($using:http).PostAsync($using:chatUrl, $content).GetAwaiter().GetResult().Content.ReadAsStringAsync().GetAwaiter().GetResult()
                }
            }
            if (@($texts | Where-Object { $_ }).Count -ne 100) { throw "$Kind batch: $(@($texts).Count) answers for 100 prompts" }
            100 / $sw.Elapsed.TotalSeconds
        }
        $null = & $batch 'Raw'
        $pairs = Measure-Interleaved -Count $rounds -Module { & $batch 'Module' } -Raw { & $batch 'Raw' }
        $http.Dispose()
        $m = Get-Median $pairs.Module; $r = Get-Median $pairs.Raw
        Add-Row -Id 13 -Measure 'Batch of 100, ForEach-Object -Parallel 4 (prompts/s): Auto vs raw HTTP' -Module $m -Raw $r -Added ((100 / $m - 100 / $r) * 1000) -Unit 'prompts/s' `
            -AddedUnit 'ms per batch' -Goal 'ratio >= 0.95' `
            -Note "Each runspace imports the module (Import-Module in the -Parallel block); raw posts the same requests (stream: true, body read whole) through one HttpClient. The stand-in sends about 12 pieces $delay ms apart." `
            -Detail @{ ModulePromptsPerSecond = (Get-Summary $pairs.Module); RawPromptsPerSecond = (Get-Summary $pairs.Raw) }
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 0 }
    }

    # ---------------------------------------------------------------- 9, 10. registry pulls (no Docker involved)
    if ($Rows -contains 9 -or $Rows -contains 10) {
        Add-Type -Path (Join-Path $Root 'tests/RegistryKit/bin/Release/net10.0/RegistryKit.dll')
        $curl = Get-Command curl -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ([RegistryKit.LocalRegistry]::SkipReason) { Write-BenchLine "rows 9-10 skipped: $([RegistryKit.LocalRegistry]::SkipReason)" }
        else {
            $registry = [RegistryKit.LocalRegistry]::Start()
            try {
                $size = 200MB
                $artifact = [RegistryKit.ModelArtifact]::Create($size, 91)
                $registry.Push('ai/bench', 'latest', $artifact)
                $registry.Push('ai/warm', 'latest', [RegistryKit.ModelArtifact]::Create(1MB, 92))
                $blobs = @($artifact.Blobs | ForEach-Object { $_.Digest })
                $bytes = ($artifact.Blobs | Measure-Object -Property Size -Sum).Sum
                $artifact = $null; [GC]::Collect()
                $bench = "$($registry.Host)/ai/bench"
                $base = "http://$($registry.Host)/v2/ai/bench"
                function Measure-ModulePull {
                    $env:ULTRA_DOCKERMODEL_MODELS_PATH = Join-Path $home2 ('pull-' + [guid]::NewGuid().ToString('N'))
                    try {
                        $sw = [System.Diagnostics.Stopwatch]::StartNew()
                        Install-LocalModel $bench -Source Registry -ProgressAction SilentlyContinue
                        $sw.Elapsed.TotalSeconds
                    }
                    finally { Remove-Item -LiteralPath $env:ULTRA_DOCKERMODEL_MODELS_PATH -Recurse -Force -ErrorAction SilentlyContinue; $env:ULTRA_DOCKERMODEL_MODELS_PATH = $null }
                }
                # One curl process fetches what a pull fetches, over one connection: the manifest, then each blob to a
                # file on the same disk.
                function Measure-CurlPull {
                    $dir = Join-Path $home2 ('curl-' + [guid]::NewGuid().ToString('N'))
                    $null = New-Item -ItemType Directory -Path $dir
                    $curlArgs = @('-sf', '-H', 'Accept: application/vnd.oci.image.manifest.v1+json', '-o', (Join-Path $dir manifest), "$base/manifests/latest")
                    foreach ($d in $blobs) { $curlArgs += @('-o', (Join-Path $dir $d.Substring(7)), "$base/blobs/$d") }
                    try {
                        $sw = [System.Diagnostics.Stopwatch]::StartNew()
                        & $curl.Source @curlArgs
                        if ($LASTEXITCODE) { throw "curl failed with exit code $LASTEXITCODE" }
                        $sw.Elapsed.TotalSeconds
                    }
                    finally { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }
                }

                if ($Rows -contains 9 -and -not $curl) { Write-BenchLine 'row 9 skipped: curl is not installed' }
                elseif ($Rows -contains 9) {
                    $n = N 5
                    Write-BenchLine "row 9: registry pull throughput, $n x Install-LocalModel -Source Registry vs $n x curl of the same manifest and blobs ($([math]::Round($bytes / 1MB)) MB, interleaved)"
                    $null = Measure-ModulePull; $null = Measure-CurlPull
                    $mod = @(); $raw = @()
                    for ($i = 0; $i -lt $n; $i++) {
                        if ($i % 2) { $mod += Measure-ModulePull; $raw += Measure-CurlPull } else { $raw += Measure-CurlPull; $mod += Measure-ModulePull }
                    }
                    $mb = $bytes / 1MB
                    $m = $mb / (Get-Median $mod); $r = $mb / (Get-Median $raw)
                    Add-Row -Id 9 -Measure "Registry pull throughput ($([math]::Round($mb)) MB model)" -Module $m -Raw $r -Ratio ($m / $r) -Added (((Get-Median $mod) - (Get-Median $raw)) * 1000) -Unit 'MB/s' `
                        -Target 'ratio >= 0.9' -Met (($m / $r) -ge 0.9) `
                        -Note 'Module: a fresh store each time; every blob is hashed (sha256) and size-checked as it streams, then renamed into place with the index written. Raw: one curl process writes the same manifest and blobs to files over one connection, with no check. Same docker-registry on 127.0.0.1.' `
                        -Detail @{ ModuleSeconds = (Get-Summary $mod 3); CurlSeconds = (Get-Summary $raw 3); Bytes = $bytes }
                }

                if ($Rows -contains 10) {
                    $n = N 3
                    Write-BenchLine "row 10: memory, Install-LocalModel -Source Registry of the $([math]::Round($bytes / 1MB)) MB model in a fresh pwsh ($n runs)"
                    $script = Join-Path $PSScriptRoot 'Measure-RegistryPull.ps1'
                    $growth = @(); $runs = @()
                    for ($i = 0; $i -lt $n; $i++) {
                        $env:ULTRA_DOCKERMODEL_MODELS_PATH = Join-Path $home2 ('mem-' + [guid]::NewGuid().ToString('N'))
                        try {
                            $out = Measure-ProcessWallTime $Pwsh @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', $ModulePath, '-Reference', $bench, '-WarmUpReference', "$($registry.Host)/ai/warm")
                        }
                        finally { Remove-Item -LiteralPath $env:ULTRA_DOCKERMODEL_MODELS_PATH -Recurse -Force -ErrorAction SilentlyContinue; $env:ULTRA_DOCKERMODEL_MODELS_PATH = $null }
                        $j = ($out.Output.Trim() -split "`n")[-1] | ConvertFrom-Json
                        $g = if ($null -ne $j.PeakGrowthMB) { [double]$j.PeakGrowthMB } else { [double]$j.SampledGrowthMB }
                        $growth += $g; $runs += $j
                        Write-BenchLine ("  growth {0} MB (sampled {1} MB, {2} s)" -f $g, $j.SampledGrowthMB, $j.Seconds)
                    }
                    $m = Get-Median $growth
                    Add-Row -Id 10 -Measure "Memory: peak working-set growth, $([math]::Round($bytes / 1MB)) MB registry pull" -Module $m -Raw $null -Ratio $null -Added $null -Unit 'MB' -AddedUnit 'MB' `
                        -Target '< 30 MB' -Met ($m -lt 30) -Note 'Blobs stream through a 1 MB buffer into their .incomplete file; the model is never held in memory.' `
                        -Detail @{ GrowthMB = (Get-Summary $growth 1); Runs = $runs }
                }
            }
            finally { $registry.Dispose() }
        }
    }

    # ---------------------------------------------------------------- 20. response cache
    if ($Rows -contains 20) {
        $n = N 41
        # 2 ms per piece stands in for generation (a real model takes far longer, which only widens the gap).
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 2; answerBytes = 0; fault = 'none' }
        Write-BenchLine "row 20: response cache, $n x Invoke-LocalLlm -Cache answered from the cache vs $n x the same call uncached (HTTP, -Temperature 0, interleaved)"
        $null = Invoke-LocalLlm 'cached question' -Model $Model -Temperature 0 -Cache
        $hit = [double[]]::new($n); $miss = [double[]]::new($n)
        $sw = [System.Diagnostics.Stopwatch]::new()
        for ($i = 0; $i -lt $n; $i++) {
            $sw.Restart(); $h = Invoke-LocalLlm 'cached question' -Model $Model -Temperature 0 -Cache; $hit[$i] = $sw.Elapsed.TotalMilliseconds
            $sw.Restart(); $u = Invoke-LocalLlm 'cached question' -Model $Model -Temperature 0; $miss[$i] = $sw.Elapsed.TotalMilliseconds
            if (-not $h.Cached -or $u.Cached -or $h.Text -ne $u.Text) { throw 'The cached and the uncached answer differ.' }
        }
        # The cache itself, without the cmdlet: key, file read and parse.
        $cache = [Ultra.DockerModel.Caching.ResponseCache]::new((Join-Path $home2 'cache/responses'), 256MB)
        $provider = [Ultra.DockerModel.LlmProvider]::LocalRunner($Model)
        $request = [Ultra.DockerModel.Routing.LlmRequest]@{ Messages = [Ultra.DockerModel.LlmMessage[]]@([Ultra.DockerModel.LlmMessage]::new('user', 'cached question')); Temperature = 0 }
        $core = foreach ($i in 1..$n) { $sw.Restart(); $null = $cache.TryGet([Ultra.DockerModel.Caching.CacheKey]::For($provider, $request, $null)); $sw.Elapsed.TotalMilliseconds }
        $null = Set-StandInConfig $primary @{ tokenDelayMs = 0 }
        $m = Get-Median $hit; $r = Get-Median $miss
        Add-Row -Id 20 -Measure 'Response cache: hit (module) vs uncached (raw column)' -Module $m -Raw $r -Unit 'ms' `
            -Goal 'module < 5' -Note ("the cache alone (key, read, parse): median {0:N3} ms" -f (Get-Median $core)) `
            -Detail @{ HitMs = (Get-Summary $hit); UncachedMs = (Get-Summary $miss); CacheOnlyMs = (Get-Summary $core) }
    }

    # ---------------------------------------------------------------- 21-23. embedded engine
    if ($Rows | Where-Object { $_ -ge 21 -and $_ -le 24 }) {
        $gguf = New-TestGguf (Join-Path $home2 'bench.gguf')
        Set-LlmProviderFallback -Provider @{ Name = 'embedded'; Kind = 'Embedded'; Model = $gguf } -Confirm:$false
    }
    if ($Rows | Where-Object { $_ -in 21, 22 }) {
        $baselineDll = Join-Path $Root 'tests/benchmarks/EngineBaseline/bin/Release/net10.0/EngineBaseline.dll'
        $prompt = 'Once upon a time'
        $tokens = 200
        # Same work on both sides: the same model, one thread, greedy sampling (temperature 0), so the same tokens.
        $moduleRun = {
            $clock = [System.Diagnostics.Stopwatch]::StartNew(); $script:firstAt = $null; $script:lastAt = 0; $script:text = [Text.StringBuilder]::new()
            Invoke-LocalLlm $prompt -Provider embedded -MaxTokens $tokens -Temperature 0 -Threads 1 -Stream | ForEach-Object {
                $script:lastAt = $clock.Elapsed.TotalMilliseconds; if ($null -eq $script:firstAt) { $script:firstAt = $script:lastAt }; $null = $script:text.Append($_)
            }
            [pscustomobject]@{ First = $script:firstAt; Generation = $script:lastAt - $script:firstAt; Text = $script:text.ToString() }
        }
        $null = & $moduleRun # loads the engine and the model, warms the context
        $engineHost = [Ultra.DockerModel.Engine.EmbeddedEngineHost]::Default
        $llama = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'LLamaSharp' }
        $bare = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($llama).LoadFromAssemblyPath($baselineDll).GetType('EngineBaseline.BareLoop')
        $bareRun = {
            $r = $bare.GetMethod('Run').Invoke($null, [object[]]@([string]$gguf, [string]$prompt, [int]$tokens, [int]1, [uint32]2048, [long]0, [float]0))
            [pscustomobject]@{ First = $r.Item2[0]; Generation = $r.Item2[1]; Tokens = $r.Item2[2]; Text = $r.Item1 }
        }
        $null = & $bareRun
        $n = N 11
        Write-BenchLine "rows 21-22: embedded engine, $n x Invoke-LocalLlm -Stream vs $n x a bare LLamaSharp loop in this process ($tokens tokens, greedy, 1 thread, interleaved)"
        $mod = @(); $raw = @()
        for ($i = 0; $i -lt $n; $i++) {
            if ($i % 2) { $mod += & $moduleRun; $raw += & $bareRun } else { $raw += & $bareRun; $mod += & $moduleRun }
        }
        if ($mod[0].Text -ne $raw[0].Text) { throw "The module and the bare loop generated different text: the comparison would not be like for like." }
        $count = $raw[0].Tokens
        $modRate = Get-Median @($mod | ForEach-Object { ($count - 1) / ($_.Generation / 1000) })
        $rawRate = Get-Median @($raw | ForEach-Object { ($count - 1) / ($_.Generation / 1000) })
        Add-Row -Id 21 -Measure "Embedded: generation ($count tokens, tokens/s)" -Module $modRate -Raw $rawRate -Added $null -Unit 'tok/s' -Goal 'ratio >= 0.95' `
            -Note 'Tokens per second from the first piece to the last, as seen downstream of Invoke-LocalLlm -Stream vs inside the bare loop; same model, settings and tokens.' `
            -Detail @{ ModuleGenerationMs = (Get-Summary @($mod.Generation)); RawGenerationMs = (Get-Summary @($raw.Generation)); Tokens = $count }
        $m = Get-Median @($mod.First); $r = Get-Median @($raw.First)
        $paired = Get-Median @(for ($i = 0; $i -lt $n; $i++) { $mod[$i].First - $raw[$i].First })
        Add-Row -Id 22 -Measure 'Embedded: first piece, model loaded' -Module $m -Raw $r -Unit 'ms' -Goal 'added <= 2' `
            -Note ("median of the $n paired differences: {0:N2} ms. Module: from the Invoke-LocalLlm call to its first piece downstream; bare loop: from its call (template, tokens, prompt pass, first sample)." -f $paired) `
            -Detail @{ ModuleMs = (Get-Summary @($mod.First)); RawMs = (Get-Summary @($raw.First)); PairedDifferenceMs = [math]::Round($paired, 2) }
        $null = $bare.GetMethod('Release').Invoke($null, @())
    }
    if ($Rows -contains 23) {
        $n = N 5
        Write-BenchLine "row 23: embedded engine, first use in $n fresh pwsh (engine load, model load, first piece) vs the next call"
        $script = @"
Import-Module '$($ModulePath.Replace("'", "''"))'
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$null = Invoke-LocalLlm 'hi' -Provider embedded -MaxTokens 1 -Threads 1
`$first = `$clock.Elapsed.TotalMilliseconds; `$clock.Restart()
`$null = Invoke-LocalLlm 'hi' -Provider embedded -MaxTokens 1 -Threads 1
`$next = `$clock.Elapsed.TotalMilliseconds
'{0} {1} {2}' -f `$first, `$next, [Ultra.DockerModel.Engine.EmbeddedEngineHost]::Default.LoadTime.TotalMilliseconds
"@
        $firstMs = @(); $nextMs = @(); $engineMs = @()
        for ($i = 0; $i -lt $n; $i++) {
            $parts = ((Measure-ProcessWallTime $Pwsh @('-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $script)).Output.Trim() -split "`n")[-1] -split ' '
            $firstMs += [double]$parts[0]; $nextMs += [double]$parts[1]; $engineMs += [double]$parts[2]
        }
        $f = Get-Median $firstMs; $x = Get-Median $nextMs
        Add-Row -Id 23 -Measure 'Embedded: first call in a session (load on first use)' -Module $f -Raw $x -Unit 'ms' -Goal 'report' `
            -Note ("Raw = the next call of the same session (model loaded). Of the first call, loading the engine (load context, LLamaSharp, native libraries) took a median {0:N0} ms; the rest is the model's load and first context." -f (Get-Median $engineMs)) `
            -Detail @{ FirstCallMs = (Get-Summary $firstMs); NextCallMs = (Get-Summary $nextMs); EngineLoadMs = (Get-Summary $engineMs) }
    }
    if ($Rows -contains 24) {
        $n = N 11
        # Forty integers: a long answer whatever the random weights say, and one that always passes the schema, so
        # the grammar is all that differs. The free run is held to the same number of tokens.
        $numbers = @{ type = 'object'; required = @('numbers'); properties = @{ numbers = @{ type = 'array'; minItems = 40; maxItems = 40; items = @{ type = 'integer' } } } }
        $rate = { param($r) ($r.CompletionTokens - 1) / ($r.Elapsed - $r.TimeToFirstToken).TotalSeconds }
        $constrainedRun = { Invoke-LocalLlm 'List the numbers' -Provider embedded -Schema $numbers -SchemaRetryCount 0 -MaxTokens 4000 -Temperature 0 -Threads 1 -AsResponse }
        $tokens = (& $constrainedRun).CompletionTokens
        $freeRun = { Invoke-LocalLlm 'List the numbers' -Provider embedded -MaxTokens $tokens -Temperature 0 -Threads 1 }
        Write-BenchLine "row 24: embedded engine, $n x Invoke-LocalLlm -Schema (a grammar from the schema; $tokens tokens) vs $n x the same call without it, as many tokens (greedy, 1 thread, interleaved)"
        $con = @(); $free = @()
        for ($i = 0; $i -lt $n; $i++) {
            if ($i % 2) { $con += & $constrainedRun; $free += & $freeRun } else { $free += & $freeRun; $con += & $constrainedRun }
        }
        if (@($free | Where-Object CompletionTokens -NE $tokens)) { throw 'The free run ended before the constrained one''s token count: the rates would not be like for like.' }
        $m = Get-Median @($con | ForEach-Object { & $rate $_ }); $r = Get-Median @($free | ForEach-Object { & $rate $_ })
        Add-Row -Id 24 -Measure "Embedded: -Schema (grammar) vs free generation ($tokens tokens, tokens/s)" -Module $m -Raw $r -Added $null -Unit 'tok/s' -Goal 'ratio >= 0.8' `
            -Note 'Tokens per second after the first piece, from LlmResponse (CompletionTokens, Elapsed, TimeToFirstToken); the grammar checks each sampled token (LLamaSharp''s Extended mode: the top candidates, the whole vocabulary only when none fits).' `
            -Detail @{ ConstrainedTokPerS = (Get-Summary @($con | ForEach-Object { & $rate $_ })); FreeTokPerS = (Get-Summary @($free | ForEach-Object { & $rate $_ })); Tokens = $tokens }
    }
    if ($Rows | Where-Object { $_ -ge 21 -and $_ -le 24 }) { Clear-LlmProviderFallback -Confirm:$false }
}
finally {
    if ($primary) { Stop-StandIn $primary }
    if ($backup) { Stop-StandIn $backup }
    Remove-Item -LiteralPath $home2 -Recurse -Force -ErrorAction SilentlyContinue
}

# ---------------------------------------------------------------- report
$null = New-Item -ItemType Directory -Path $OutputPath -Force
$elapsed = $total.Elapsed
$machine.LoadAtEnd = Get-LoadAverage
$results = @(Get-BenchRow)
$table = ConvertTo-ResultTable $results
$md = [System.Collections.Generic.List[string]]::new()
$md.Add('# Benchmark results')
$md.Add('')
$md.Add(('Run {0:yyyy-MM-dd HH:mm} UTC in {1:N0} s. Machine: {2} cores ({3}), {4} GB, {5}, {6}, pwsh {7}, docker client {8}.' -f
        [DateTime]::UtcNow, $elapsed.TotalSeconds, $machine.Cores, $machine.Cpu, $machine.MemoryGB, $machine.OS, $machine.DotnetRuntime, $machine.Pwsh, $machine.DockerClient))
if ($machine.LoadAtStart) { $md.Add(''); $md.Add("Load average (1, 5, 15 min) at start: $($machine.LoadAtStart); at end: $($machine.LoadAtEnd).") }
$md.Add('')
$md.Add('Medians over repeated, interleaved runs against the stand-in runner. "Raw" is the docker CLI called from the same pwsh (row 5: the HTTP transport; row 7: `docker model run` in the same parallel loop).')
$md.Add('')
foreach ($l in $table) { $md.Add($l) }
$notes = @($results | Where-Object Note)
if ($notes) {
    $md.Add('')
    foreach ($r in $notes) { $md.Add("- Row $($r.Id) ($($r.Measure)): $($r.Note)") }
}
$mdPath = Join-Path $OutputPath 'results.md'
$jsonPath = Join-Path $OutputPath 'results.json'
Set-Content -LiteralPath $mdPath -Value $md -Encoding utf8
[ordered]@{
    Date     = [DateTime]::UtcNow.ToString('o')
    Seconds  = [math]::Round($elapsed.TotalSeconds, 1)
    Machine  = $machine
    Module   = $ModulePath
    Rows     = $results
} | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $jsonPath -Encoding utf8

Write-Host ''
$table | ForEach-Object { Write-Host $_ }
Write-Host ''
Write-BenchLine ("done in {0:N0} s: {1}, {2}" -f $elapsed.TotalSeconds, $mdPath, $jsonPath)
$missed = @($results | Where-Object { $_.Met -eq $false })
if ($missed) { Write-BenchLine ("targets not met: " + (($missed | ForEach-Object { "row $($_.Id) $($_.Measure)" }) -join '; ')) }
