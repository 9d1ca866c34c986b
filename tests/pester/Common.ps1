# Dot-sourced in BeforeAll by each test file: the built module, the stand-in helpers, and a private settings folder.
$ErrorActionPreference = 'Stop'
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = if ($env:ULTRA_DOCKERMODEL_TEST_MODULE) { $env:ULTRA_DOCKERMODEL_TEST_MODULE } else { Join-Path $RepoRoot 'out/Ultra.DockerModel/Ultra.DockerModel.psd1' }
Import-Module (Join-Path $RepoRoot 'tests/ModelRunnerStandIn/StandIn.psm1') -Force
Import-Module $ModulePath -Force
$env:ULTRA_DOCKERMODEL_HOME = Join-Path ([IO.Path]::GetTempPath()) ('udm-home-' + [guid]::NewGuid().ToString('N'))
$script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
# Model stores: the module's follows ULTRA_DOCKERMODEL_HOME (<home>/models); Docker's is pointed at an empty folder so
# that a real ~/.docker/models never shows up in a test.
$env:ULTRA_DOCKERMODEL_MODELS_PATH = $null
$env:MODELS_PATH = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'docker-models'

# Runs a script in a fresh runspace of this process and returns its output and streams (progress is not redirectable).
function Invoke-Captured([string] $Script) {
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$ModulePath'; `$ErrorActionPreference = 'Continue'; `$ProgressPreference = 'Continue'; $Script")
        $output = $ps.Invoke()
        [pscustomobject]@{ Output = $output; Progress = @($ps.Streams.Progress); Errors = @($ps.Streams.Error); Verbose = @($ps.Streams.Verbose); Information = @($ps.Streams.Information) }
    }
    finally { $ps.Dispose() }
}

# Runs a script in a child pwsh under a pseudo-terminal (util-linux script), as a person at a console would,
# noting when each part of the output appeared. Text is the output without ANSI codes and carriage returns.
function Invoke-InTerminal([string] $ScriptText, [int] $TimeoutSec = 90) {
    $file = Join-Path $TestDrive ('pty-' + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -LiteralPath $file -Value "Import-Module '$ModulePath'`n$ScriptText" -Encoding utf8NoBOM
    $psi = [Diagnostics.ProcessStartInfo]::new('script')
    foreach ($a in @('-qfec', "'$Pwsh' -NoLogo -NoProfile -File '$file'", '/dev/null')) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.StandardOutputEncoding = [Text.UTF8Encoding]::new($false)
    $p = [Diagnostics.Process]::Start($psi)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $raw = [Text.StringBuilder]::new()
    $marks = [Collections.Generic.List[object]]::new()
    $buffer = [char[]]::new(4096)
    try {
        while ($true) {
            $read = $p.StandardOutput.ReadAsync($buffer, 0, $buffer.Length)
            if (-not $read.Wait([TimeSpan]::FromSeconds([Math]::Max(1, $TimeoutSec - $clock.Elapsed.TotalSeconds)))) {
                throw "The terminal session did not finish within $TimeoutSec s. Output so far: $raw"
            }
            if ($read.Result -eq 0) { break }
            $null = $raw.Append($buffer, 0, $read.Result)
            $marks.Add([pscustomobject]@{ Length = $raw.Length; At = $clock.Elapsed })
        }
        $null = $p.WaitForExit(10000)
    }
    finally {
        if (-not $p.HasExited) { $p.Kill($true) }
        $p.StandardInput.Close()
    }
    $clean = { param($s) ($s -replace '\x1b\[[0-9;?]*[A-Za-z]', '' -replace '\x1b[=>]', '') -replace "`r", '' }
    $all = $raw.ToString()
    [pscustomobject]@{
        Text     = & $clean $all
        ExitCode = $p.ExitCode
        # When a piece of text was first on screen.
        TimeOf   = {
            param([string] $Needle)
            foreach ($m in $marks) { if ((& $clean $all.Substring(0, $m.Length)).Contains($Needle)) { return $m.At } }
        }.GetNewClosure()
    }
}

# Waits for a condition, checking it every 25 ms: await what a test waits for this way instead of sleeping a fixed time.
# Returns whether it came true within $Seconds.
function Wait-Until([scriptblock] $Condition, [double] $Seconds = 10) {
    $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
    while ([datetime]::UtcNow -lt $deadline) {
        if (& $Condition) { return $true }
        Start-Sleep -Milliseconds 25
    }
    [bool](& $Condition)
}

# docker / plugin processes started for a stand-in (-Runner; by default the file's $standIn). Other suites may run on this machine
# at the same time (other files of this run too), so a process counts only when its environment carries this
# stand-in's DOCKER_CONFIG.
function Get-StandInChild([psobject] $Runner = $standIn) {
    $marker = "DOCKER_CONFIG=$($Runner.DockerConfig)`0"
    foreach ($dir in [System.IO.Directory]::GetDirectories('/proc')) {
        $name = [System.IO.Path]::GetFileName($dir)
        if ($name -notmatch '^\d+$' -or [int]$name -eq $Runner.Process.Id -or [int]$name -eq $PID) { continue }
        try {
            $cmd = [System.IO.File]::ReadAllText("$dir/cmdline").Replace([char]0, ' ')
            if ($cmd -notmatch 'docker' -and $cmd -notmatch 'ModelRunnerStandIn\.dll plugin') { continue }
            if (-not [System.IO.File]::ReadAllText("$dir/environ").Contains($marker)) { continue }
            [pscustomobject]@{ Pid = [int]$name; CommandLine = $cmd }
        }
        catch { Write-Verbose "process $name ended while being read" }
    }
}

# Waits up to $Seconds for every child of the stand-in to be gone; returns those still there.
function Wait-NoStandInChild([double] $Seconds = 3, [psobject] $Runner = $standIn) {
    $null = Wait-Until { @(Get-StandInChild $Runner).Count -eq 0 } $Seconds
    @(Get-StandInChild $Runner)
}
