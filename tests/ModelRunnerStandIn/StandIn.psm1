# Test helpers for the Docker Model Runner stand-in (see README.md in this folder).
# The stand-in must already be built: dotnet build tests/ModelRunnerStandIn (or set $env:STANDIN_DLL).
Set-StrictMode -Version Latest

function Get-StandInDll {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    if ($env:STANDIN_DLL) {
        if (Test-Path -LiteralPath $env:STANDIN_DLL) { return (Resolve-Path -LiteralPath $env:STANDIN_DLL).Path }
        throw "STANDIN_DLL points at '$env:STANDIN_DLL', which does not exist."
    }
    foreach ($configuration in 'Release', 'Debug') {
        $candidate = Join-Path $PSScriptRoot "bin/$configuration/net10.0/ModelRunnerStandIn.dll"
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    # Other output layouts (another target folder, or an artifacts/ output path set for the whole repo).
    $roots = @((Join-Path $PSScriptRoot 'bin'), (Join-Path $PSScriptRoot '../../artifacts/bin/ModelRunnerStandIn'))
    $found = $roots | Where-Object { Test-Path -LiteralPath $_ } |
        ForEach-Object { Get-ChildItem -LiteralPath $_ -Recurse -Filter 'ModelRunnerStandIn.dll' -File } |
        Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    if ($found) { return $found.FullName }
    throw "ModelRunnerStandIn.dll not found. Run 'dotnet build tests/ModelRunnerStandIn -c Release' or set STANDIN_DLL."
}

function New-TestGguf {
    <#
    .SYNOPSIS
    Writes a tiny random-weight GGUF model (the tests' GgufWriter: llama architecture, multi-byte vocabulary, ChatML
    template) and returns its path. Options: -Embedding, -Layers, -Context, -Template chatml|none|unknown, -Architecture,
    -Pooling mean|cls|last (an embedding model's pooling, as an embedding GGUF carries it).
    With -Store and -Tag the model is put into a store in Docker's layout (as after a pull) and the blob's path returned.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [int] $Embedding, [int] $Layers, [int] $FeedForward, [int] $Context, [int] $Seed,
        [ValidateSet('chatml', 'none', 'unknown')] [string] $Template, [string] $Architecture,
        [ValidateSet('mean', 'cls', 'last')] [string] $Pooling, [string] $Store, [string] $Tag
    )
    $arguments = @('gguf', $Path)
    foreach ($name in 'Embedding', 'Layers', 'FeedForward', 'Context', 'Seed', 'Template', 'Architecture', 'Pooling', 'Store', 'Tag') {
        if ($PSBoundParameters.ContainsKey($name)) {
            $option = if ($name -eq 'Architecture') { '--arch' } elseif ($name -eq 'FeedForward') { '--feed-forward' } else { '--' + $name.ToLowerInvariant() }
            $arguments += $option, $PSBoundParameters[$name]
        }
    }
    $written = & dotnet (Get-StandInDll) @arguments
    if ($LASTEXITCODE -ne 0) { throw "Writing the test model '$Path' failed (exit code $LASTEXITCODE)." }
    $written
}

function Start-StandIn {
    <#
    .SYNOPSIS
    Starts the stand-in runner on a free loopback port and makes a temporary DOCKER_CONFIG whose
    cli-plugins/docker-model talks to it. Returns Url, Port, DockerConfig, Process, Dll.
    .PARAMETER Installed
    Models installed at start (default: ai/smollm2:latest and ai/llama3.2:latest). @() installs none.
    #>
    [CmdletBinding()]
    param(
        [AllowEmptyCollection()]
        [string[]] $Installed,
        [int] $TokenDelayMs = 0,
        [int] $TimeoutSeconds = 30
    )
    $dll = Get-StandInDll
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, 'serve', '--port', '0', '--token-delay-ms', "$TokenDelayMs")) { $psi.ArgumentList.Add($a) }
    if ($PSBoundParameters.ContainsKey('Installed')) {
        $psi.ArgumentList.Add('--installed')
        $psi.ArgumentList.Add((@($Installed) -join ','))
    }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true   # the server exits when this pipe closes, so it never outlives the test
    $psi.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($psi)

    $lineTask = $process.StandardOutput.ReadLineAsync()
    if (-not $lineTask.Wait([TimeSpan]::FromSeconds($TimeoutSeconds))) {
        $process.Kill($true)
        throw "The stand-in did not print LISTENING within $TimeoutSeconds s."
    }
    $line = $lineTask.Result
    if ($line -notmatch '^LISTENING (http://127\.0\.0\.1:(\d+))$') {
        if (-not $process.HasExited) { $process.Kill($true) }
        throw "The stand-in did not start (first line: '$line', exit code: $(if ($process.HasExited) { $process.ExitCode }))."
    }
    $url = $Matches[1]
    $port = [int]$Matches[2]

    $dockerConfig = Join-Path ([System.IO.Path]::GetTempPath()) ('standin-docker-' + [guid]::NewGuid().ToString('N'))
    $plugins = Join-Path $dockerConfig 'cli-plugins'
    $null = New-Item -ItemType Directory -Path $plugins -Force
    Install-StandInPlugin -Destination (Join-Path $plugins 'docker-model') -Dll $dll

    [pscustomobject]@{
        PSTypeName   = 'StandIn'
        Url          = $url
        Port         = $port
        DockerConfig = $dockerConfig
        Process      = $process
        Dll          = $dll
        SavedEnv     = $null
    }
}

function Install-StandInPlugin {
    <# .SYNOPSIS Writes a copy of the docker-model script with the dll path baked in, marked executable. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Destination, [Parameter(Mandatory)] [string] $Dll)
    $template = [System.IO.File]::ReadAllText((Join-Path $PSScriptRoot 'docker-model'))
    $quoted = "'" + $Dll.Replace("'", "'\''") + "'"
    $script = $template.Replace('STANDIN_DLL_BAKED=""', "STANDIN_DLL_BAKED=$quoted").Replace("`r`n", "`n")
    [System.IO.File]::WriteAllText($Destination, $script, [System.Text.UTF8Encoding]::new($false))
    if (-not $IsWindows) {
        [System.IO.File]::SetUnixFileMode($Destination, [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
    }
}

function Enable-StandIn {
    <#
    .SYNOPSIS
    Points `docker model` in this session at the stand-in: DOCKER_CONFIG, and MODEL_RUNNER_HOST (the manual-install
    setup), or with -Engine STANDIN_ENGINE_URL instead (the plugin then acts as on Docker Engine, and the module has to
    find the endpoint through `docker model status --json`; with -Desktop too, as on Docker Desktop without host TCP).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $StandIn, [switch] $Engine, [switch] $Desktop)
    $names = 'DOCKER_CONFIG', 'MODEL_RUNNER_HOST', 'STANDIN_ENGINE_URL', 'STANDIN_ENGINE_KIND'
    if ($null -eq $StandIn.SavedEnv) {
        $StandIn.SavedEnv = @{}
        foreach ($n in $names) { $StandIn.SavedEnv[$n] = [Environment]::GetEnvironmentVariable($n) }
    }
    $env:DOCKER_CONFIG = $StandIn.DockerConfig
    $env:MODEL_RUNNER_HOST = if ($Engine) { $null } else { $StandIn.Url }
    $env:STANDIN_ENGINE_URL = if ($Engine) { $StandIn.Url } else { $null }
    $env:STANDIN_ENGINE_KIND = if ($Engine -and $Desktop) { 'Docker Desktop' } else { $null }
}

function Disable-StandIn {
    <# .SYNOPSIS Restores the environment variables Enable-StandIn replaced. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $StandIn)
    if ($null -eq $StandIn.SavedEnv) { return }
    foreach ($n in $StandIn.SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($n, $StandIn.SavedEnv[$n]) }
    $StandIn.SavedEnv = $null
}

function Set-StandInConfig {
    <#
    .SYNOPSIS
    Merges settings into the stand-in's switches (POST /_standin/config) and returns the whole configuration.
    .EXAMPLE
    Set-StandInConfig $s @{ fault = 'http-429'; faultCount = 2 }
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [psobject] $StandIn,
        [Parameter(Mandatory, Position = 1)] [System.Collections.IDictionary] $Settings
    )
    $body = ConvertTo-Json -InputObject $Settings -Compress -Depth 5
    Invoke-RestMethod -Method Post -Uri "$($StandIn.Url)/_standin/config" -Body $body -ContentType 'application/json'
}

function Get-StandInConfig {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $StandIn)
    Invoke-RestMethod -Uri "$($StandIn.Url)/_standin/config"
}

function Reset-StandIn {
    <# .SYNOPSIS Restores the default switches, the initial model store (or -Installed), and clears recorded requests. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [psobject] $StandIn,
        [AllowEmptyCollection()] [string[]] $Installed
    )
    $body = if ($PSBoundParameters.ContainsKey('Installed')) { ConvertTo-Json -InputObject @{ installed = @($Installed) } -Compress } else { '' }
    $null = Invoke-RestMethod -Method Post -Uri "$($StandIn.Url)/_standin/reset" -Body $body -ContentType 'application/json'
}

function Get-StandInRequests {
    <# .SYNOPSIS The chat request bodies that reached the runner, oldest first, one object each. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $StandIn)
    $requests = Invoke-RestMethod -Uri "$($StandIn.Url)/_standin/requests"
    foreach ($r in @($requests)) { $r }
}

function Publish-StandInTag {
    <# .SYNOPSIS "Re-pushes" a catalog tag: the registry now holds a new artifact (new digest) for it; returns the new id. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $StandIn, [Parameter(Mandatory, Position = 1)] [string] $Tag)
    (Invoke-RestMethod -Method Post -Uri "$($StandIn.Url)/_standin/repush" -Body (ConvertTo-Json @{ tag = $Tag } -Compress) -ContentType 'application/json').id
}

function Get-StandInStats {
    <# .SYNOPSIS Counters: requests, chatRequests, activeStreams, completedStreams, abortedStreams, openConnections, pulls, statusRequests, chatConnections. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $StandIn)
    Invoke-RestMethod -Uri "$($StandIn.Url)/_standin/stats"
}

function Stop-StandIn {
    <# .SYNOPSIS Stops the server, removes the temporary DOCKER_CONFIG and restores the environment. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [psobject] $StandIn)
    Disable-StandIn $StandIn
    $p = $StandIn.Process
    if ($p -and -not $p.HasExited) {
        try { $p.StandardInput.Close() } catch { Write-Verbose "stdin already closed: $_" }
        if (-not $p.WaitForExit(3000)) { $p.Kill($true); $null = $p.WaitForExit(3000) }
    }
    if ($p) { $p.Dispose() }
    if ($StandIn.DockerConfig -and (Test-Path -LiteralPath $StandIn.DockerConfig)) {
        Remove-Item -LiteralPath $StandIn.DockerConfig -Recurse -Force
    }
}

Export-ModuleMember -Function Get-StandInDll, New-TestGguf, Start-StandIn, Publish-StandInTag, Install-StandInPlugin, Enable-StandIn, Disable-StandIn,
    Set-StandInConfig, Get-StandInConfig, Reset-StandIn, Get-StandInRequests, Get-StandInStats, Stop-StandIn
