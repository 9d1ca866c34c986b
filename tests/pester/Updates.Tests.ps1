# Version tracking and disk: Get-LocalModel -CheckUpdate, Update-LocalModel and Get-LocalModelStorage through the
# stand-in runner (whose "registry" re-pushes a tag with Publish-StandInTag).
Describe 'Model versions and disk through the runner' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn
    }
    AfterAll {
        Disable-StandIn $standIn
        Stop-StandIn $standIn
    }
    BeforeEach { Reset-StandIn $standIn }

    It 'Update-LocalModel -WhatIf names the old and new id and downloads nothing; then the update pulls and keeps the model usable throughout' {
        $old = (Get-LocalModel smollm2).Id
        $new = Publish-StandInTag $standIn 'ai/smollm2'
        $r = Invoke-Captured "Update-LocalModel smollm2 -WhatIf"
        $r.Errors | Should -BeNullOrEmpty
        (Get-StandInStats $standIn).pulls | Should -Be 0
        (Get-LocalModel smollm2).Id | Should -Be $old

        Set-StandInConfig $standIn @{ pullStepDelayMs = 700 } | Out-Null # about 6 s of download
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModulePath'; Update-LocalModel smollm2 -Confirm:`$false")
            $async = $ps.BeginInvoke()
            Wait-Until { (Get-StandInStats $standIn).pulls -ge 1 } 20 | Should -BeTrue
            # The pull is running: the model is still the old build, and it answers.
            (Get-LocalModel smollm2).Id | Should -Be $old
            (Invoke-LocalLlm 'still there?' -Model smollm2 -Transport Http).Text | Should -BeLike 'You said: «still there?».*'
            $async.IsCompleted | Should -BeFalse -Because 'the answer came while the update was still pulling'
            $result = $ps.EndInvoke($async)
            $ps.Streams.Error | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
        $result.Name | Should -Be 'ai/smollm2:latest'
        $result.OldId | Should -Be $old
        $result.NewId | Should -Be $new
        $result.Updated | Should -BeTrue
        $result.OldRemoved | Should -BeTrue
        (Get-LocalModel smollm2).Id | Should -Be $new
        @(Get-LocalModel).Id | Should -Not -Contain $old
        (Invoke-LocalLlm 'after' -Model smollm2).Text | Should -BeLike 'You said: «after».*'
    }
    It 'takes names from the pipeline (Get-LocalModel -CheckUpdate) and by wildcard, and pulls only the tags that moved' {
        $llamaNew = Publish-StandInTag $standIn 'ai/llama3.2'
        $updated = Get-LocalModel -CheckUpdate | Where-Object UpdateAvailable | Update-LocalModel -Confirm:$false
        @($updated).Name | Should -Be 'ai/llama3.2:latest'
        $updated.NewId | Should -Be $llamaNew
        (Get-StandInStats $standIn).pulls | Should -Be 1
        $smolNew = Publish-StandInTag $standIn 'ai/smollm2'
        $again = Update-LocalModel 'ai/*' -Confirm:$false -Verbose 4>&1
        @($again | Where-Object { $_ -is [Ultra.DockerModel.ModelUpdate] }).NewId | Should -Be $smolNew
        @($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "ai/llama3.2:latest: up to date ($($llamaNew.Substring(7, 12)))."
        (Get-StandInStats $standIn).pulls | Should -Be 2
    }
    It 'Get-LocalModel -CheckUpdate says which tags moved, without downloading, in a view that fits 80 columns' {
        $new = Publish-StandInTag $standIn 'ai/smollm2'
        $models = Get-LocalModel -CheckUpdate
        ($models | Where-Object Name -EQ 'ai/smollm2:latest').UpdateAvailable | Should -BeTrue
        ($models | Where-Object Name -EQ 'ai/smollm2:latest').UpdateReason | Should -BeLike "*$($new.Substring(7, 12))*"
        ($models | Where-Object Name -EQ 'ai/llama3.2:latest').UpdateAvailable | Should -BeFalse
        (Get-StandInStats $standIn).pulls | Should -Be 0
        $lines = ($models | Format-Table | Out-String -Width 80) -split "`n"
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $lines -join "`n" | Should -Match 'ai/smollm2:latest\s+354bf30d0aa3\s+True\s'
    }
    It 'a pull that fails is a non-terminating error: that model keeps its old build and the others are still updated' {
        $smolOld = (Get-LocalModel smollm2).Id
        Publish-StandInTag $standIn 'ai/smollm2' | Out-Null
        $llamaNew = Publish-StandInTag $standIn 'ai/llama3.2'
        Set-StandInConfig $standIn @{ fault = 'pull-fails'; faultCount = 1 } | Out-Null
        $updated = Update-LocalModel ai/smollm2, ai/llama3.2 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PullFailed,*'
        @($updated).Count | Should -Be 1
        (Get-LocalModel llama3.2).Id | Should -Be $llamaNew
        (Get-LocalModel smollm2).Id | Should -Be $smolOld
    }
    It 'Get-LocalModelStorage reports the runner''s disk use from docker model df, and the module''s store with its volume' {
        $rows = Get-LocalModelStorage
        $runner = $rows | Where-Object Store -EQ 'DockerModelRunner'
        $runner.ModelBytes | Should -BeGreaterThan 2GB
        $runner.EngineBytes | Should -Be 45120000
        $module = $rows | Where-Object Store -EQ 'ModuleStore'
        $module.Path | Should -BeLike "$env:ULTRA_DOCKERMODEL_HOME*"
        $module.FreeBytes | Should -BeGreaterThan 0
        $module.CacheBytes | Should -Be 0
        Invoke-LocalLlm 'cache me' -Model ai/smollm2 -Temperature 0 -Cache | Out-Null
        (Get-LocalModelStorage | Where-Object Store -EQ 'ModuleStore').CacheBytes | Should -BeGreaterThan 0 -Because 'the response cache is reported on the module store''s row'
        $lines = ($rows | Format-Table | Out-String -Width 80) -split "`n"
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }
    It 'Get-LocalModelStorage still reports the stores on disk when the runner is not running' {
        Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
        $rows = Get-LocalModelStorage -WarningVariable warnings -WarningAction SilentlyContinue
        ($rows | Where-Object Store -EQ 'DockerModelRunner').Note | Should -BeLike '*not running*'
        "$warnings" | Should -BeLike 'DockerModelRunner: *not running*' -Because 'the table has no column for the note'
        ($rows | Where-Object Store -EQ 'ModuleStore').FreeBytes | Should -BeGreaterThan 0
    }
}

BeforeDiscovery {
    $kit = Join-Path $PSScriptRoot '../RegistryKit/bin/Release/net10.0/RegistryKit.dll'
    $script:registrySkip = if (-not (Test-Path $kit)) { 'tests/RegistryKit is not built (build.ps1 -Task Test builds it)' }
    else { Add-Type -Path $kit; [RegistryKit.LocalRegistry]::SkipReason }
}

Describe 'Model versions, unused and orphaned files in the module''s store, against a real registry' -Tag Registry -Skip:([bool]$registrySkip) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        Add-Type -Path (Join-Path $PSScriptRoot '../RegistryKit/bin/Release/net10.0/RegistryKit.dll')
        $script:reg = [RegistryKit.LocalRegistry]::Start()
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn
        $script:moduleStore = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'models'
        # -WhatIf writes to the host: a child pwsh shows what it printed.
        function Get-WhatIfText([string] $Command) {
            $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
            (& $pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; $Command" 2>&1) -join "`n"
        }
        function Set-LastUse([string] $Model, [datetime] $When) {
            $file = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json'
            $settings = Get-Content $file -Raw | ConvertFrom-Json -AsHashtable
            $settings.modelUse[$Model] = @{ lastUsed = $When.ToUniversalTime().ToString('o'); firstSeen = $When.ToUniversalTime().ToString('o') }
            $settings | ConvertTo-Json -Depth 5 | Set-Content $file
        }
    }
    AfterAll {
        Disable-StandIn $standIn
        Stop-StandIn $standIn
        $reg.Dispose()
        Remove-Item $env:ULTRA_DOCKERMODEL_HOME -Recurse -Force -ErrorAction SilentlyContinue
    }
    BeforeEach {
        Reset-StandIn $standIn
        Remove-Item $moduleStore -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item (Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json') -ErrorAction SilentlyContinue
    }

    It 'a re-pushed tag is an update; Update-LocalModel pulls it while the old files stay usable, then deletes them' {
        $v1 = [RegistryKit.ModelArtifact]::Create(1MB, 51)
        $v2 = [RegistryKit.ModelArtifact]::Create(1MB, 52)
        $reg.Push('ai/up', 'latest', $v1)
        $proxy = [RegistryKit.FaultProxy]::new($reg.Port)
        try {
            $name = "$($proxy.Host)/ai/up:latest"
            Install-LocalModel $name -Source Registry
            (Get-LocalModel $name -CheckUpdate).UpdateAvailable | Should -BeFalse
            $reg.Push('ai/up', 'latest', $v2)
            $checked = Get-LocalModel $name -CheckUpdate
            $checked.UpdateAvailable | Should -BeTrue
            $checked.UpdateReason | Should -BeLike "*$($v2.ManifestDigest.Substring(7, 12))*"
            (Invoke-Captured "Update-LocalModel '$name' -WhatIf").Errors | Should -BeNullOrEmpty
            (Get-LocalModel $name).Id | Should -Be $v1.ManifestDigest
            Test-Path (Join-Path $moduleStore "blobs/sha256/$($v2.GgufLayer.Digest.Substring(7))") | Should -BeFalse -Because '-WhatIf downloads nothing'

            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$ModulePath'; Update-LocalModel '$name' -Confirm:`$false")
                $proxy.PauseAfter(256KB) # the manifest and a part of the new GGUF pass, then the download waits
                $async = $ps.BeginInvoke()
                Wait-Until { Get-ChildItem (Join-Path $moduleStore 'blobs/sha256') -Filter *.incomplete } 30 | Should -BeTrue
                $during = Get-LocalModel $name -Store ModuleStore
                $during.Id | Should -Be $v1.ManifestDigest
                [IO.File]::ReadAllBytes($during.GgufPath[0]).Length | Should -Be 1MB -Because 'the old model stays whole while the new one downloads'
                $async.IsCompleted | Should -BeFalse
                $proxy.Resume()
                $result = $ps.EndInvoke($async)
                $ps.Streams.Error | Should -BeNullOrEmpty
            }
            finally { $proxy.Resume(); $ps.Dispose() }
            $result.OldId | Should -Be $v1.ManifestDigest
            $result.NewId | Should -Be $v2.ManifestDigest
            $result.Store | Should -Be 'ModuleStore'
            $result.OldRemoved | Should -BeTrue
            (Get-LocalModel $name).Id | Should -Be $v2.ManifestDigest
            Test-Path $during.GgufPath[0] | Should -BeFalse
            (Get-LocalModelStorage | Where-Object Store -EQ 'ModuleStore').UnreferencedBytes | Should -Be 0
        }
        finally { $proxy.Dispose() }
    }
    It 'a registry that cannot be reached leaves UpdateAvailable unknown, with the reason, and Update-LocalModel says so' {
        $gone = [RegistryKit.LocalRegistry]::Start()
        $gone.Push('ai/gone', 'latest', [RegistryKit.ModelArtifact]::Create(64KB, 53))
        $name = "$($gone.Host)/ai/gone:latest"
        Install-LocalModel $name -Source Registry
        $gone.Dispose()
        $m = Get-LocalModel $name -CheckUpdate
        $m.UpdateAvailable | Should -BeNullOrEmpty
        $m.UpdateReason | Should -BeLike 'Unknown: *'
        Update-LocalModel $name -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RegistryUnreachable,*'
        (Get-LocalModel $name).Id | Should -Not -BeNullOrEmpty
    }
    It 'Remove-LocalModel -Orphaned deletes old files no model refers to, with sizes in -WhatIf, and never a model''s or Docker''s' {
        $reg.Push('ai/keep', 'latest', [RegistryKit.ModelArtifact]::Create(64KB, 54))
        $name = "$($reg.Host)/ai/keep:latest"
        Install-LocalModel $name -Source Registry
        # Docker's store on disk (a copy of this layout) with an orphan of its own: never touched.
        $docker = Join-Path $TestDrive 'docker-models'
        Copy-Item $moduleStore $docker -Recurse
        $theirs = Join-Path $docker ('blobs/sha256/' + ('d' * 64)); [IO.File]::WriteAllBytes($theirs, [byte[]]::new(500))
        (Get-Item $theirs).LastWriteTimeUtc = [DateTime]::UtcNow.AddHours(-2)
        $blobs = Join-Path $moduleStore 'blobs/sha256'
        $old = Join-Path $blobs ('a' * 64); [IO.File]::WriteAllBytes($old, [byte[]]::new(3000))
        $partial = Join-Path $blobs (('b' * 64) + '.incomplete'); [IO.File]::WriteAllBytes($partial, [byte[]]::new(2000))
        $young = Join-Path $blobs ('c' * 64); [IO.File]::WriteAllBytes($young, [byte[]]::new(1000))
        foreach ($f in $old, $partial) { (Get-Item $f).LastWriteTimeUtc = [DateTime]::UtcNow.AddHours(-2) }
        $env:MODELS_PATH = $docker
        try {
            $storage = Get-LocalModelStorage | Where-Object Store -EQ 'ModuleStore'
            $storage.UnreferencedBytes | Should -Be 4000
            $storage.IncompleteBytes | Should -Be 2000
            (Get-LocalModelStorage | Where-Object Store -EQ 'DockerStore').UnreferencedBytes | Should -Be 500

            $whatIf = Get-WhatIfText "Remove-LocalModel -Orphaned -WhatIf"
            $whatIf | Should -BeLike "*What if: Performing the operation ""Delete orphaned file"" on target ""blob $('a' * 64) (2.93 KiB, no model refers to it)*"
            $whatIf | Should -BeLike "*unfinished download $('b' * 64).incomplete (1.95 KiB,*"
            $whatIf | Should -Not -BeLike "*$('c' * 64)*"
            Test-Path $old | Should -BeTrue

            Remove-LocalModel -Orphaned -Confirm:$false -Verbose 4>&1 | Out-String | Should -BeLike "*Freed 4.88 KiB*"
            Test-Path $old, $partial | Should -Be @($false, $false)
            Test-Path $young | Should -BeTrue -Because 'a file changed in the last hour may belong to a pull in progress'
            Test-Path $theirs | Should -BeTrue -Because 'Docker''s store is never changed'
            $m = Get-LocalModel $name
            [IO.File]::Exists($m.GgufPath[0]) | Should -BeTrue
        }
        finally { Remove-Item Env:MODELS_PATH }
    }
    It 'Remove-LocalModel -Unused removes models not run for that long, never a loaded one or one first seen just now' {
        $reg.Push('ai/idle', 'latest', [RegistryKit.ModelArtifact]::Create(64KB, 55))
        $idle = "$($reg.Host)/ai/idle:latest"
        Install-LocalModel $idle -Source Registry
        Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null # loaded now, and recorded as used
        $long = [DateTime]::UtcNow.AddDays(-60)
        Set-LastUse 'ai/smollm2:latest' $long
        Set-LastUse 'ai/llama3.2:latest' $long
        Set-LastUse $idle $long
        Install-LocalModel ai/gemma3 # never run, first seen by -Unused below

        $whatIf = Get-WhatIfText "Remove-LocalModel -Unused 30.00:00:00 -WhatIf"
        $whatIf | Should -BeLike "*on target ""model 'ai/llama3.2:latest' (1.87 GiB)*, last used 60 days ago""*"
        $whatIf | Should -Not -BeLike '*ai/smollm2*'
        # A bare number is days (PowerShell alone would read it as ticks, and every model would be unused).
        Get-WhatIfText "Remove-LocalModel -Unused 30 -WhatIf" | Should -BeLike "*model 'ai/llama3.2:latest'*"
        Get-WhatIfText "Remove-LocalModel -Unused 90 -WhatIf" | Should -Not -BeLike '*ai/llama3.2*' -Because 'it was last used 60 days ago'
        @(Get-LocalModel).Count | Should -Be 4

        Remove-LocalModel -Unused ([TimeSpan]::FromDays(30)) -Confirm:$false
        $left = @(Get-LocalModel).Name
        $left | Should -Contain 'ai/smollm2:latest' -Because 'it is loaded'
        $left | Should -Contain 'ai/gemma3:latest' -Because 'the module has only just seen it'
        $left | Should -Not -Contain 'ai/llama3.2:latest'
        $left | Should -Not -Contain $idle
    }
}
