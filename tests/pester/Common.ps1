# Dot-sourced in BeforeAll by each test file: the built module, the stand-in helpers, and a private settings folder.
$ErrorActionPreference = 'Stop'
$env:NO_COLOR = '1'
$PSStyle.OutputRendering = 'PlainText'
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ModulePath = if ($env:ULTRA_DOCKERMODEL_TEST_MODULE) { $env:ULTRA_DOCKERMODEL_TEST_MODULE } else { Join-Path $RepoRoot 'out/Ultra.DockerModel/Ultra.DockerModel.psd1' }
Import-Module (Join-Path $RepoRoot 'tests/ModelRunnerStandIn/StandIn.psm1') -Force
Import-Module $ModulePath -Force
$env:ULTRA_DOCKERMODEL_HOME = Join-Path ([IO.Path]::GetTempPath()) ('udm-home-' + [guid]::NewGuid().ToString('N'))
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
