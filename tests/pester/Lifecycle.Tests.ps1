# Models in memory and their runtime configuration: Get-LocalModel -Loaded, Stop-LocalModel,
# Get-/Set-LocalModelConfiguration, against the stand-in runner (its ps, unload and configure).
Describe 'Model lifecycle against the stand-in' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn

        # Starts an answer that streams slowly, so the model is in use until the returned PowerShell is stopped.
        function Start-BusyAnswer {
            Set-StandInConfig $standIn @{ tokenDelayMs = 500; answerBytes = 100000 } | Out-Null # busy until stopped
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$ModulePath'; Invoke-LocalLlm 'keep busy' -Model ai/smollm2 -Transport Http")
            $null = $ps.BeginInvoke()
            Wait-Until { (Get-StandInStats $standIn).activeStreams -ge 1 } 20 | Should -BeTrue
            $ps
        }
        function Stop-BusyAnswer($ps) {
            $ps.Stop()
            $ps.Dispose()
            Wait-Until { (Get-StandInStats $standIn).activeStreams -eq 0 } 10 | Out-Null
        }
    }
    AfterAll {
        Disable-StandIn $standIn
        Stop-StandIn $standIn
    }
    BeforeEach { Reset-StandIn $standIn }

    It 'completes installed model names on Tab for <_>' -ForEach 'Get-LocalModel', 'Update-LocalModel', 'Remove-LocalModel', 'Stop-LocalModel',
        'Get-LocalModelConfiguration', 'Set-LocalModelConfiguration', 'Measure-LocalModel' {
        $line = "$_ smo"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'ai/smollm2:latest'
    }

    Describe 'Get-LocalModel -Loaded' {
        It 'lists nothing before any call and the model after one, with its mode and keep-alive' {
            Get-LocalModel -Loaded | Should -BeNullOrEmpty
            Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null
            $loaded = @(Get-LocalModel -Loaded)
            $loaded.Count | Should -Be 1
            $loaded[0] | Should -BeOfType ([Ultra.DockerModel.LoadedModel])
            $loaded[0].Name | Should -Be 'ai/smollm2:latest'
            $loaded[0].Engine | Should -Be 'DockerModelRunner'
            $loaded[0].Backend | Should -Be 'llama.cpp'
            $loaded[0].Mode | Should -Be 'completion'
            $loaded[0].Until | Should -Match 'minutes from now$'
            $loaded[0].MemoryBytes | Should -BeNullOrEmpty -Because 'the runner does not report memory'
        }
        It 'filters by name and wildcard, and a model that is not loaded is simply not listed' {
            Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null
            Invoke-LocalLlm 'hi' -Model ai/llama3.2 | Out-Null
            @(Get-LocalModel -Loaded).Count | Should -Be 2
            (Get-LocalModel smollm2 -Loaded).Name | Should -Be 'ai/smollm2:latest'
            (Get-LocalModel '*llama*' -Loaded).Name | Should -Be 'ai/llama3.2:latest'
            Reset-StandIn $standIn
            Get-LocalModel smollm2 -Loaded -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -BeNullOrEmpty
        }
        It 'reads the 2025 CLI table (LAST USED, full names)' {
            Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null
            Set-StandInConfig $standIn @{ cliVersion = 'legacy' } | Out-Null
            $loaded = Get-LocalModel -Loaded
            $loaded.Name | Should -Be 'ai/smollm2:latest'
            $loaded.Until | Should -Match 'ago$'
        }
        It 'fits an 80-column console' {
            Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null
            $lines = (Get-LocalModel -Loaded | Format-Table | Out-String -Width 80) -split "`n"
            ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
            $lines -join "`n" | Should -Match 'ai/smollm2:latest\s+Runner\s+completion'
        }
        It 'stops with RunnerNotRunning when the runner is down' {
            Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
            { Get-LocalModel -Loaded } | Should -Throw -ErrorId 'RunnerNotRunning,Ultra.DockerModel.Commands.GetLocalModelCommand'
        }
    }

    Describe 'Stop-LocalModel' {
        It 'unloads one model and leaves the others loaded and installed' {
            Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null
            Invoke-LocalLlm 'hi' -Model ai/llama3.2 | Out-Null
            $stopped = Stop-LocalModel smollm2 -PassThru -Confirm:$false
            $stopped.Name | Should -Be 'ai/smollm2:latest'
            (Get-LocalModel -Loaded).Name | Should -Be 'ai/llama3.2:latest'
            (Get-LocalModel smollm2).Name | Should -Be 'ai/smollm2:latest' -Because 'unloading does not uninstall'
        }
        It 'takes loaded models from the pipeline and -All unloads every one' {
            Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null
            Get-LocalModel -Loaded | Stop-LocalModel -Confirm:$false
            Get-LocalModel -Loaded | Should -BeNullOrEmpty
            Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null
            Invoke-LocalLlm 'hi' -Model ai/llama3.2 | Out-Null
            Stop-LocalModel -All -Confirm:$false
            Get-LocalModel -Loaded | Should -BeNullOrEmpty
        }
        It '-WhatIf says what would be unloaded and unloads nothing' {
            Invoke-LocalLlm 'hi' -Model smollm2 | Out-Null
            $r = Invoke-Captured "Stop-LocalModel smollm2 -WhatIf; Stop-LocalModel -All -WhatIf"
            $r.Errors | Should -BeNullOrEmpty
            (Get-LocalModel -Loaded).Name | Should -Be 'ai/smollm2:latest'
        }
        It 'a model that is not loaded is a ModelNotFound error; a wildcard that matches nothing is quiet' {
            Stop-LocalModel smollm2 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            $err[0].Exception.Message | Should -BeLike '*not loaded*'
            Stop-LocalModel 'zz*' -Confirm:$false -ErrorVariable err2
            $err2 | Should -BeNullOrEmpty
        }
        It 'never unloads a model that is answering: ModelInUse, and the answer goes on' {
            $ps = Start-BusyAnswer
            try {
                Stop-LocalModel smollm2 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelInUse,*'
                $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
                (Get-StandInStats $standIn).activeStreams | Should -Be 1 -Because 'the answer is still being generated'
                (Get-LocalModel -Loaded).Name | Should -Be 'ai/smollm2:latest'
            }
            finally { Stop-BusyAnswer $ps }
        }
    }

    Describe 'Set-LocalModelConfiguration and Get-LocalModelConfiguration' {
        It 'sets context size, keep-alive and runtime flags, and the runner reports them' {
            Set-LocalModelConfiguration smollm2 -ContextSize 8192 -KeepAlive 10m -RuntimeFlag '--threads', '2' -Confirm:$false
            $c = Get-LocalModelConfiguration smollm2
            $c | Should -BeOfType ([Ultra.DockerModel.ModelConfiguration])
            $c.Name | Should -Be 'ai/smollm2:latest'
            $c.ContextSize | Should -Be 8192
            $c.KeepAlive | Should -Be ([TimeSpan]::FromMinutes(10))
            $c.RuntimeFlags | Should -Be @('--threads', '2')
            (Get-LocalModel -Loaded).Until | Should -Match '^(9|10) minutes from now$' -Because 'the runner preloads a configured model and ps uses its keep-alive'
        }
        It 'changes only the settings it is given (configure replaces everything, so the rest is sent again)' {
            Set-LocalModelConfiguration smollm2 -ContextSize 8192 -RuntimeFlag '--threads', '2' -Confirm:$false
            $c = Set-LocalModelConfiguration smollm2 -KeepAlive Forever -Reasoning:$false -PassThru -Confirm:$false
            $c.ContextSize | Should -Be 8192
            $c.RuntimeFlags | Should -Be @('--threads', '2')
            $c.KeepAlive | Should -Be ([System.Threading.Timeout]::InfiniteTimeSpan)
            $c.Reasoning | Should -BeFalse
            (Get-LocalModel -Loaded).Until | Should -Be 'Forever'
            (Set-LocalModelConfiguration smollm2 -RuntimeFlag @() -PassThru -Confirm:$false).RuntimeFlags | Should -BeNullOrEmpty
        }
        It 'takes 0 for -KeepAlive (unload after each request) and refuses a bare number of unknown unit' {
            (Set-LocalModelConfiguration smollm2 -KeepAlive 0 -PassThru -Confirm:$false).KeepAlive | Should -Be ([TimeSpan]::Zero)
            Get-LocalModel -Loaded | Should -BeNullOrEmpty -Because 'a keep-alive of 0 unloads the model as soon as it is idle'
            { Set-LocalModelConfiguration smollm2 -KeepAlive 600 -Confirm:$false } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        }
        It '-WhatIf names the model and the settings and changes nothing' {
            $r = Invoke-Captured "Set-LocalModelConfiguration smollm2 -ContextSize 4096 -KeepAlive ([TimeSpan]::FromHours(1)) -WhatIf 6>&1"
            $r.Errors | Should -BeNullOrEmpty
            Get-LocalModelConfiguration smollm2 | Should -BeNullOrEmpty
        }
        It 'a flag the runner refuses is an InvalidInvocation error with the runner''s reason' {
            Set-LocalModelConfiguration smollm2 -RuntimeFlag '--log-file', 'x' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
            $err[0].Exception.Message | Should -BeLike '*"--log-file" is not allowed*'
        }
        It 'a model that is not installed is ModelNotFound, before docker configure runs' {
            Set-LocalModelConfiguration ai/qwen2.5 -ContextSize 4096 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            Get-LocalModelConfiguration | Should -BeNullOrEmpty
        }
        It 'a model answering a request cannot be reconfigured: ModelInUse' {
            $ps = Start-BusyAnswer
            try {
                Set-LocalModelConfiguration smollm2 -ContextSize 4096 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelInUse,*'
            }
            finally { Stop-BusyAnswer $ps }
        }
        It 'takes models from the pipeline, wildcards included' {
            Get-LocalModel 'ai/*' | Set-LocalModelConfiguration -ContextSize 2048 -Confirm:$false
            (Get-LocalModelConfiguration).ContextSize | Should -Be @(2048, 2048)
        }
        It 'fits an 80-column console' {
            Set-LocalModelConfiguration smollm2 -ContextSize 8192 -KeepAlive 10m -RuntimeFlag '--threads', '2' -Confirm:$false
            $lines = (Get-LocalModelConfiguration | Format-Table | Out-String -Width 80) -split "`n"
            ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
            $lines -join "`n" | Should -Match 'ai/smollm2:latest\s+completion\s+8192\s+10m'
        }
        It 'an older CLI without configure show still gets the settings given' {
            Set-StandInConfig $standIn @{ cliVersion = 'legacy' } | Out-Null
            Set-LocalModelConfiguration smollm2 -ContextSize 4096 -RuntimeFlag '--threads', '3' -Confirm:$false -ErrorVariable err
            $err | Should -BeNullOrEmpty
            Set-StandInConfig $standIn @{ cliVersion = 'head' } | Out-Null
            $c = Get-LocalModelConfiguration smollm2
            $c.ContextSize | Should -Be 4096
            $c.RuntimeFlags | Should -Be @('--threads', '3')
        }
    }
}

# The embedded engine's part of the same cmdlets (issue 14 item 3): its loaded models beside the runner's, with their
# memory; unloading releases the weights; with the runner down, the engine's models are still listed and unloaded.
Describe 'Models in the embedded engine''s memory' -Tag Embedded {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn
        $script:model = New-TestGguf (Join-Path $TestDrive 'memory.gguf')
        Set-LlmProviderFallback -Provider @{ Name = 'e'; Kind = 'Embedded'; Model = $model }
        $script:engineHost = [Ultra.DockerModel.Engine.EmbeddedEngineHost]::Default
        function Held { @($engineHost.Loaded.GetLoadedModels()) | Where-Object Path -EQ $model }
    }
    AfterAll {
        Disable-StandIn $standIn
        Stop-StandIn $standIn
    }
    BeforeEach { Reset-StandIn $standIn }

    It 'Get-LocalModel -Loaded lists it beside the runner''s, with the memory the engine reports' {
        Invoke-LocalLlm 'hi' -Model ai/smollm2 -Transport Http | Out-Null
        Invoke-LocalLlm 'hi' -Provider e -MaxTokens 2 -Threads 1 | Out-Null
        $loaded = Get-LocalModel -Loaded
        ($loaded | Where-Object Engine -EQ 'DockerModelRunner').Name | Should -Be 'ai/smollm2:latest'
        $mine = $loaded | Where-Object Path -EQ $model
        $mine.Engine | Should -Be 'Embedded'
        $mine.Name | Should -Be $model
        $mine.MemoryBytes | Should -Be (Held).MemoryBytes
        $mine.MemoryBytes | Should -BeGreaterThan (Get-Item $model).Length -Because 'the weights and a context'
        $mine.Until | Should -BeLike '* from now'
        (Get-LocalModel -Loaded *memory*).Path | Should -Be $model
        ($loaded | Format-Table | Out-String -Width 80) -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }
    It 'Stop-LocalModel releases it, by path or from the pipeline, and leaves the runner''s loaded' {
        Invoke-LocalLlm 'hi' -Model ai/smollm2 -Transport Http | Out-Null
        Invoke-LocalLlm 'hi' -Provider e -MaxTokens 2 -Threads 1 | Out-Null
        Stop-LocalModel $model -WhatIf
        Held | Should -Not -BeNullOrEmpty -Because '-WhatIf unloads nothing'
        Push-Location $TestDrive
        try { Stop-LocalModel ./memory.gguf -Confirm:$false } finally { Pop-Location }
        Held | Should -BeNullOrEmpty
        (Get-LocalModel -Loaded).Name | Should -Be 'ai/smollm2:latest'
        Invoke-LocalLlm 'hi' -Provider e -MaxTokens 2 -Threads 1 | Out-Null
        Get-LocalModel -Loaded | Where-Object Engine -EQ 'Embedded' | Stop-LocalModel -Confirm:$false
        Held | Should -BeNullOrEmpty
    }
    It 'with the runner not running, lists and unloads the engine''s models and warns that the runner''s are missing' {
        Invoke-LocalLlm 'hi' -Provider e -MaxTokens 2 -Threads 1 | Out-Null
        Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
        $loaded = Get-LocalModel -Loaded -WarningVariable warned -WarningAction SilentlyContinue
        ($loaded | Where-Object Path -EQ $model).Engine | Should -Be 'Embedded'
        "$warned" | Should -BeLike '*embedded engine*not running*'
        Stop-LocalModel -All -Confirm:$false
        Held | Should -BeNullOrEmpty
    }
    It 'Remove-LocalModel -Unused keeps a model the engine holds, by name or by its file, however long ago it was last used' {
        $store = (Get-LocalModelStorage -WarningAction SilentlyContinue | Where-Object Store -EQ 'ModuleStore').Path
        $blob = New-TestGguf (Join-Path $TestDrive 'held.gguf') -Store $store -Tag 'docker.io/ai/held:latest'
        (Get-LocalModel ai/held).Store | Should -Be 'ModuleStore'
        $settingsFile = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json'
        function Set-Idle {
            $settings = Get-Content $settingsFile -Raw | ConvertFrom-Json -AsHashtable
            $long = [DateTime]::UtcNow.AddDays(-60).ToString('o')
            $settings.modelUse = @{ 'ai/held:latest' = @{ lastUsed = $long; firstSeen = $long } }
            $settings | ConvertTo-Json -Depth 5 | Set-Content $settingsFile
        }
        foreach ($held in 'ai/held', $blob) {
            Invoke-LocalLlm 'hi' -Provider e -Model $held -MaxTokens 2 -Threads 1 | Out-Null
            Set-Idle
            $said = Remove-LocalModel -Unused 30 -Confirm:$false -Verbose 4>&1
            "$said" | Should -BeLike "*Keeping 'ai/held:latest': it is loaded now*"
            Get-LocalModel ai/held | Should -Not -BeNullOrEmpty -Because "the engine holds it (loaded as '$held')"
            Stop-LocalModel -All -Confirm:$false
        }
        Remove-LocalModel -Unused 30 -Confirm:$false
        Get-LocalModel ai/held -ErrorAction SilentlyContinue | Should -BeNullOrEmpty -Because 'once released, it is unused'
    }
    # Issue 14 item 4 through the cmdlet: the sampling options reach the engine (its own tests check the sampler itself).
    It 'carries -Seed, -TopK and -Stop to the engine: same seed, same answer; top-k 1 is greedy; the answer ends before the stop text' {
        $ask = @{ Prompt = 'Tell me a story'; Provider = 'e'; MaxTokens = 24; Threads = 1 }
        $seeded = (Invoke-LocalLlm @ask -Temperature 1 -Seed 42).Text
        (Invoke-LocalLlm @ask -Temperature 1 -Seed 42).Text | Should -BeExactly $seeded
        (Invoke-LocalLlm @ask -Temperature 1 -Seed 43).Text | Should -Not -BeExactly $seeded
        $greedy = (Invoke-LocalLlm @ask -Temperature 0).Text
        (Invoke-LocalLlm @ask -Temperature 1 -Seed 43 -TopK 1).Text | Should -BeExactly $greedy
        $stop = ([regex]::Matches($greedy, '\p{L}{3,}') | Select-Object -Skip 1 -First 1).Value
        $stop | Should -Not -BeNullOrEmpty -Because "the greedy answer has a second word to stop at: $greedy"
        $stopped = Invoke-LocalLlm @ask -Temperature 0 -Stop $stop
        $stopped.Text | Should -BeExactly $greedy.Substring(0, $greedy.IndexOf($stop))
        $stopped.FinishReason | Should -Be 'stop'
    }
    It 'Measure-LocalModel on an Embedded provider reloads the model for the first call and reports its memory' {
        Invoke-LocalLlm 'hi' -Provider e -MaxTokens 2 -Threads 1 | Out-Null
        $before = (Held).LoadedAt
        Push-Location $TestDrive
        try { $m = Measure-LocalModel ./memory.gguf -Provider e -Repeat 3 -MaxTokens 8 } finally { Pop-Location }
        $m.Provider | Should -Be 'e'
        $m.Model | Should -Be $model -Because 'a relative path is taken from PowerShell''s location, not the process''s'
        $m.Failures | Should -Be 0
        (Held).LoadedAt | Should -BeGreaterThan $before -Because 'the measurement unloads the model before its first call'
        $m.Error | Should -BeNullOrEmpty
        $m.LoadMs | Should -Not -BeNullOrEmpty
        $m.CompletionTokens | Should -Be 8
        $m.TokensPerSecond | Should -BeGreaterThan 0
        $m.PeakMemoryBytes | Should -Be (Held).MemoryBytes
    }
}
