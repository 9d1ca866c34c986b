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
