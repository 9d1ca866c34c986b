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
    It 'Get-LocalModel -CheckUpdate says which tags moved, without downloading, in a view that fits 80 columns' {
        $new = Publish-StandInTag $standIn 'ai/smollm2'
        $models = Get-LocalModel -CheckUpdate
        ($models | Where-Object Name -EQ 'ai/smollm2:latest').UpdateAvailable | Should -BeTrue
        ($models | Where-Object Name -EQ 'ai/smollm2:latest').UpdateReason | Should -BeLike "*$($new.Substring(7, 12))*"
        ($models | Where-Object Name -EQ 'ai/llama3.2:latest').UpdateAvailable | Should -BeFalse
        (Get-StandInStats $standIn).pulls | Should -Be 0
        $lines = ($models | Format-Table | Out-String -Width 80) -split "`n"
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $lines -join "`n" | Should -Match 'ai/smollm2:latest\s+354bf30d0aa3\s+yes'
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
        $lines = ($rows | Format-Table | Out-String -Width 80) -split "`n"
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
    }
    It 'Get-LocalModelStorage still reports the stores on disk when the runner is not running' {
        Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
        $rows = Get-LocalModelStorage
        ($rows | Where-Object Store -EQ 'DockerModelRunner').Note | Should -BeLike '*not running*'
        ($rows | Where-Object Store -EQ 'ModuleStore').FreeBytes | Should -BeGreaterThan 0
    }
}
