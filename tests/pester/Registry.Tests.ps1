# Install-, Get- and Remove-LocalModel with no Docker at all: pulls straight from a real docker-registry (Debian's
# CNCF distribution 2.8 on a free loopback port, started here) into the module's store, and Docker's store read only.
BeforeDiscovery {
    $kit = Join-Path $PSScriptRoot '../RegistryKit/bin/Release/net10.0/RegistryKit.dll'
    $script:registrySkip = if (-not (Test-Path $kit)) { 'tests/RegistryKit is not built (build.ps1 -Task Test builds it)' }
    else { Add-Type -Path $kit; [RegistryKit.LocalRegistry]::SkipReason }
}

Describe 'Model cmdlets without Docker, against a real registry' -Tag Registry -Skip:([bool]$registrySkip) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        Add-Type -Path (Join-Path $PSScriptRoot '../RegistryKit/bin/Release/net10.0/RegistryKit.dll')
        $script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $script:reg = [RegistryKit.LocalRegistry]::Start()
        $script:tiny = [RegistryKit.ModelArtifact]::Create(256KB, 31)
        $script:other = [RegistryKit.ModelArtifact]::Create(64KB, 32)
        $reg.Push('ai/tiny', 'latest', $tiny)
        $reg.Push('ai/tiny', 'v2', [RegistryKit.ModelArtifact]::Create(64KB, 33))
        $reg.Push('ai/other', 'latest', $other)
        $script:RegHost = $reg.Host
        $script:moduleStore = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'models'
        # No docker anywhere on PATH: the cmdlets must not need it.
        $script:savedPath = $env:PATH
        $env:PATH = ($env:PATH -split [IO.Path]::PathSeparator | Where-Object { $_ -and -not (Test-Path (Join-Path $_ 'docker')) -and -not (Test-Path (Join-Path $_ 'docker.exe')) }) -join [IO.Path]::PathSeparator
        function Get-IndexBytes { $f = Join-Path $moduleStore 'models.json'; if (Test-Path $f) { [IO.File]::ReadAllBytes($f) } }
    }
    AfterAll {
        $env:PATH = $savedPath
        $reg.Dispose()
        Remove-Item $env:ULTRA_DOCKERMODEL_HOME -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'installs, lists and removes a model end to end with docker absent from PATH' {
        Get-Command docker -CommandType Application -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $r = Invoke-Captured "Install-LocalModel $RegHost/ai/tiny -PassThru"
        $r.Errors | Should -BeNullOrEmpty
        $m = $r.Output[0]
        $m.Name | Should -Be "$RegHost/ai/tiny:latest"
        $m.Store | Should -Be 'ModuleStore'
        $percents = $r.Progress | Where-Object RecordType -EQ 'Processing' | ForEach-Object PercentComplete
        ($percents | Measure-Object -Maximum).Maximum | Should -Be 100
        $r.Progress[-1].RecordType | Should -Be 'Completed'

        $listed = Get-LocalModel "$RegHost/ai/tiny"
        $listed.Id | Should -Be $tiny.ManifestDigest
        $listed.Store | Should -Be 'ModuleStore'
        $listed.GgufPath | Should -HaveCount 1
        [IO.File]::ReadAllBytes($listed.GgufPath[0]).Length | Should -Be 256KB
        $listed.GgufPath[0] | Should -BeLike "$moduleStore*"
        (Get-LocalModel '*tiny*').Id | Should -Be $tiny.ManifestDigest
        (Get-LocalModel $tiny.ManifestDigest.Substring(7, 12)).Name | Should -Be "$RegHost/ai/tiny:latest"

        Remove-LocalModel "$RegHost/ai/tiny" -Confirm:$false
        { Get-LocalModel } | Should -Throw -ErrorId 'DockerNotInstalled,*'
        Test-Path $listed.GgufPath[0] | Should -BeFalse
    }

    It 'says in one sentence that neither Docker nor the registry is there' {
        $port = [RegistryKit.LocalRegistry]::FreePort()
        Install-LocalModel "127.0.0.1:$port/ai/tiny" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RegistryUnreachable,*'
        $err[0].Exception.Message | Should -BeLike "'127.0.0.1:$port/ai/tiny:latest' cannot be installed: Docker Model Runner is not available here (the docker command was not found) and the registry 127.0.0.1:$port could not be reached (*)."
        { Install-LocalModel "$RegHost/ai/tiny" -Source DockerModelRunner } | Should -Throw -ErrorId 'DockerNotInstalled,*'
        { Get-LocalModel } | Should -Throw '*No model store on disk holds a model either*'
    }

    It 'honours -WhatIf, does not download twice, and takes names from the pipeline by value and property name' {
        $index = Get-IndexBytes
        Install-LocalModel "$RegHost/ai/tiny" -WhatIf
        Get-IndexBytes | Should -Be $index
        Test-Path (Join-Path $moduleStore "blobs/sha256/$($tiny.GgufLayer.Digest.Substring(7))") | Should -BeFalse

        $out = "$RegHost/ai/tiny", "$RegHost/ai/nope" | Install-LocalModel -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $out.Name | Should -Be "$RegHost/ai/tiny:latest"
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
        $err[0].Exception.Message | Should -BeLike "*the repository is unknown there*"
        $blob = $out.GgufPath[0]
        $written = (Get-Item $blob).LastWriteTimeUtc

        $again = [pscustomobject]@{ Name = "$RegHost/ai/tiny" } | Install-LocalModel -PassThru -Verbose 4>&1
        $again | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like '*already installed*' } | Should -Not -BeNullOrEmpty
        ($again | Where-Object { $_ -is [Ultra.DockerModel.LocalModel] }).Id | Should -Be $tiny.ManifestDigest
        (Get-Item $blob).LastWriteTimeUtc | Should -Be $written
        Install-LocalModel "$RegHost/ai/tiny:v2"
        @(Get-LocalModel "$RegHost/ai/tiny").Count | Should -Be 2
    }

    It 'lists Docker''s store on disk read only, filters by -Store, and never removes from it' {
        # Docker's store: a folder in Docker's layout (written by a pull into it), read through MODELS_PATH.
        $env:ULTRA_DOCKERMODEL_MODELS_PATH = $env:MODELS_PATH
        Install-LocalModel "$RegHost/ai/other"
        $env:ULTRA_DOCKERMODEL_MODELS_PATH = $null
        $before = Get-ChildItem $env:MODELS_PATH -Recurse -File | ForEach-Object { "$($_.FullName) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" }

        $all = Get-LocalModel
        ($all | Where-Object Id -EQ $other.ManifestDigest).Store | Should -Be 'DockerStore'
        (Get-LocalModel -Store DockerStore).Id | Should -Be $other.ManifestDigest
        @(Get-LocalModel -Store ModuleStore).Id | Should -Not -Contain $other.ManifestDigest
        (Get-LocalModel -Store DockerStore | Format-Table | Out-String -Width 80) | Should -Match 'ai/other'

        Get-LocalModel "$RegHost/ai/other" | Remove-LocalModel -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike "*Docker's model store*never changes*"
        Get-ChildItem $env:MODELS_PATH -Recurse -File | ForEach-Object { "$($_.FullName) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" } | Should -Be $before
    }

    It 'completes names from the module''s store' {
        $out = & $Pwsh -NoLogo -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; (TabExpansion2 -inputScript 'Get-LocalModel $RegHost/ai/t' -cursorColumn $(20 + $RegHost.Length)).CompletionMatches.CompletionText"
        $out | Should -Contain "$RegHost/ai/tiny:latest"
    }

    It 'leaves the partial file and the index alone when stopped with Ctrl+C mid-pull' {
        $proxy = [RegistryKit.FaultProxy]::new($reg.Port)
        try {
            $proxy.BytesPerSecond = 128KB
            $big = [RegistryKit.ModelArtifact]::Create(1MB, 34)
            $reg.Push('ai/slow', 'latest', $big)
            $index = Get-IndexBytes
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$ModulePath'; Install-LocalModel $($proxy.Host)/ai/slow")
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not ($ps.Streams.Progress | Where-Object PercentComplete -GT 0) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 3
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $script:slowPartial = Join-Path $moduleStore "blobs/sha256/$($big.GgufLayer.Digest.Substring(7)).incomplete"
            $partial = $slowPartial
            (Get-Item $partial).Length | Should -BeGreaterThan 0
            Test-Path ($partial -replace '\.incomplete$') | Should -BeFalse
            Get-IndexBytes | Should -Be $index
            $ps.Dispose()
        }
        finally { $proxy.Dispose() }
    }

    It 'lets two processes pull the same model at once: both succeed and each blob is fetched once' {
        $proxy = [RegistryKit.FaultProxy]::new($reg.Port)
        try {
            $proxy.BytesPerSecond = 1MB
            $twice = [RegistryKit.ModelArtifact]::Create(512KB, 35)
            $reg.Push('ai/twice', 'latest', $twice)
            $command = "Import-Module '$ModulePath'; Install-LocalModel $($proxy.Host)/ai/twice -PassThru | ForEach-Object Id"
            $procs = 1..2 | ForEach-Object {
                $psi = [Diagnostics.ProcessStartInfo]::new($Pwsh)
                foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $command) { $psi.ArgumentList.Add($a) }
                $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
                [Diagnostics.Process]::Start($psi)
            }
            $outputs = $procs | ForEach-Object { $o = $_.StandardOutput.ReadToEndAsync(); $e = $_.StandardError.ReadToEnd(); $_.WaitForExit(); [pscustomobject]@{ Out = $o.Result.Trim(); Err = $e; Code = $_.ExitCode } }
            $outputs.Code | Should -Be @(0, 0)
            $outputs.Err | Should -Be @('', '')
            $outputs.Out | Should -Be @($twice.ManifestDigest, $twice.ManifestDigest)
            $blobs = ($twice.Blobs | Measure-Object -Property Size -Sum).Sum
            $proxy.Downstream | Should -BeLessThan (1.5 * $blobs)
            @(Get-ChildItem $moduleStore -Recurse -Filter *.incomplete | Where-Object FullName -NE $slowPartial) | Should -BeNullOrEmpty
            (Get-LocalModel "$($proxy.Host)/ai/twice").Id | Should -Be $twice.ManifestDigest
        }
        finally { $proxy.Dispose() }
    }

    It 'reports a corrupt models.json naming it, keeps it, and still lists the other stores' {
        $index = Join-Path $moduleStore 'models.json'
        $saved = [IO.File]::ReadAllBytes($index)
        try {
            Set-Content $index '{"models": [' -NoNewline
            $listed = Get-LocalModel -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'StoreInvalid,*'
            $err[0].Exception.Message | Should -BeLike "*$index*"
            $listed.Id | Should -Contain $other.ManifestDigest # Docker's store is still listed
            { Install-LocalModel "$RegHost/ai/tiny" -Force } | Should -Throw -ErrorId 'StoreInvalid,*'
            Get-Content $index -Raw | Should -Be '{"models": ['
        }
        finally { [IO.File]::WriteAllBytes($index, $saved) }
    }
}

Describe 'Model cmdlets with Docker Model Runner running and the module''s store beside it' -Tag Registry -Skip:([bool]$registrySkip) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        Add-Type -Path (Join-Path $PSScriptRoot '../RegistryKit/bin/Release/net10.0/RegistryKit.dll')
        $script:reg = [RegistryKit.LocalRegistry]::Start()
        $script:tiny = [RegistryKit.ModelArtifact]::Create(64KB, 41)
        $reg.Push('ai/tiny', 'latest', $tiny)
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn
    }
    AfterAll {
        Disable-StandIn $standIn
        Stop-StandIn $standIn
        $reg.Dispose()
        Remove-Item $env:ULTRA_DOCKERMODEL_HOME -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'Auto pulls through the runner when it is running, and -Source Registry into the module''s store' {
        Install-LocalModel ai/gemma3
        (Get-StandInStats $standIn).pulls | Should -Be 1
        Install-LocalModel "$($reg.Host)/ai/tiny" -Source Registry
        (Get-StandInStats $standIn).pulls | Should -Be 1

        $all = Get-LocalModel
        ($all | Where-Object Name -EQ 'ai/gemma3:latest').Store | Should -Be 'DockerModelRunner'
        ($all | Where-Object Id -EQ $tiny.ManifestDigest).Store | Should -Be 'ModuleStore'
        @(Get-LocalModel -Store DockerModelRunner).Id | Should -Not -Contain $tiny.ManifestDigest
        (Get-LocalModel -Store ModuleStore).Id | Should -Be $tiny.ManifestDigest
    }

    It 'removes a module-store model without the runner and a runner model through it' {
        Get-LocalModel "$($reg.Host)/ai/tiny" | Remove-LocalModel -Confirm:$false
        @(Get-LocalModel -Store ModuleStore -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        Remove-LocalModel ai/gemma3 -Confirm:$false
        @(Get-LocalModel).Name | Should -Not -Contain 'ai/gemma3:latest'
    }
}
