# The fallback chain (issue 4): Set/Get/Clear-LlmProviderFallback, New-LlmProvider and Invoke-LocalLlm's routing,
# against two stand-ins: "local" behind `docker model` (the CLI plugin) and "backup" as an OpenAI-compatible server.
Describe 'LLM provider fallback' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:local = Start-StandIn
        $script:backup = Start-StandIn
        Enable-StandIn $local
        $script:settingsFile = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json'
        $script:backupEndpoint = "$($backup.Url)/v1"
        # The backup stand-in serves its installed models only, so it is asked for one it has.
        $script:chain = @(
            @{ Name = 'local'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' },
            @{ Name = 'backup'; Kind = 'OpenAICompatible'; Endpoint = $backupEndpoint; Model = 'ai/smollm2' })

        # The settings file's exact bytes (Base64), or $null when there is none.
        function Get-Bytes { if (Test-Path -LiteralPath $settingsFile) { [Convert]::ToBase64String([IO.File]::ReadAllBytes($settingsFile)) } else { $null } }
        function Get-FreePort {
            $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop(); $port
        }
        function Invoke-Failing([scriptblock] $Script) {
            try { & $Script; throw 'expected an error' } catch { $_ }
        }
    }
    AfterAll {
        Disable-StandIn $local
        Stop-StandIn $local
        Stop-StandIn $backup
        if (Test-Path -LiteralPath $env:ULTRA_DOCKERMODEL_HOME) { Remove-Item -LiteralPath $env:ULTRA_DOCKERMODEL_HOME -Recurse -Force }
    }
    BeforeEach {
        Reset-StandIn $local
        Reset-StandIn $backup
        # The cool-down lives for the session; a test that is not about it starts without any.
        [Ultra.DockerModel.Commands.ModuleState]::Cooldown.Reset()
        if (Test-Path -LiteralPath $settingsFile) { Remove-Item -LiteralPath $settingsFile -Force }
    }

    Describe 'Done when' {
        It 'answers from backup when the runner is stopped' {
            Set-LlmProviderFallback -Provider @(@{Name='local';Kind='DockerModelRunner';Model='ai/smollm2'},
                @{Name='backup';Kind='OpenAICompatible';Endpoint=$backupEndpoint;Model='ai/smollm2'})
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            $r = Invoke-LocalLlm -Prompt 'hi'
            $r.Provider | Should -Be 'backup'
            $r.Text | Should -BeLike 'You said: «hi».*'
            $r.Attempts[0].Provider | Should -Be 'local'
            $r.Attempts[0].ErrorId | Should -Be 'RunnerNotRunning'
            @(Get-StandInRequests $backup).Count | Should -Be 1
        }
        It 'answers from local when the runner runs' {
            Set-LlmProviderFallback -Provider $chain
            $r = Invoke-LocalLlm -Prompt 'hi'
            $r.Provider | Should -Be 'local'
            $r.Text | Should -BeLike 'You said: «hi».*'
            @($r.Attempts).Count | Should -Be 1
            @(Get-StandInRequests $local).Count | Should -Be 1
            @(Get-StandInRequests $backup).Count | Should -Be 0
        }
    }

    Describe 'Which providers a call tries' {
        BeforeEach { Set-LlmProviderFallback -Provider $chain }

        It '-Model without -Provider tries the local runner with that model first, then the chain' {
            $r = Invoke-LocalLlm hi -Model ai/llama3.2
            $r.Provider | Should -Be 'DockerModelRunner'
            $r.Model | Should -Be 'ai/llama3.2'
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            $r = Invoke-LocalLlm hi -Model ai/llama3.2
            $r.Provider | Should -Be 'backup'
            $r.Attempts.Provider | Should -Be @('DockerModelRunner', 'local', 'backup')
            $r.Attempts.ErrorId | Should -Be @('RunnerNotRunning', 'RunnerNotRunning', $null)
        }
        It '-Provider NAME uses that provider only' {
            $r = Invoke-LocalLlm hi -Provider backup
            $r.Provider | Should -Be 'backup'
            @(Get-StandInRequests $local).Count | Should -Be 0
            Set-StandInConfig $backup @{ fault = 'http-401' } | Out-Null
            $e = Invoke-Failing { Invoke-LocalLlm hi -Provider backup }
            $e.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            @(Get-StandInRequests $local).Count | Should -Be 0
        }
        It '-Provider with an unknown name is a clear InvalidInvocation' {
            $e = Invoke-Failing { Invoke-LocalLlm hi -Provider nope }
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
            $e.Exception.Message | Should -BeLike "*no provider named 'nope'*Get-LlmProviderFallback*"
        }
        It '-NoFallback uses the first provider only and surfaces its own error' {
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            $e = Invoke-Failing { Invoke-LocalLlm hi -NoFallback }
            $e.FullyQualifiedErrorId | Should -BeLike 'RunnerNotRunning,*'
            $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            @(Get-StandInRequests $backup).Count | Should -Be 0
        }
        It 'a disabled entry is not tried' {
            Set-LlmProviderFallback -Provider @(($chain[0] + @{ Enabled = $false }), $chain[1])
            (Get-LlmProviderFallback local).Enabled | Should -BeFalse
            $r = Invoke-LocalLlm hi
            $r.Provider | Should -Be 'backup'
            @($r.Attempts).Count | Should -Be 1
            @(Get-StandInRequests $local).Count | Should -Be 0
        }
        It 'without -Model and without a chain the error says what to do' {
            Clear-LlmProviderFallback
            $e = Invoke-Failing { Invoke-LocalLlm hi }
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
            $e.Exception.Message | Should -BeLike '*Set-LlmProviderFallback*'
        }
    }

    Describe 'Retry, fall back or stop' {
        BeforeEach { Set-LlmProviderFallback -Provider $chain }

        It '-Verbose narrates each decision' {
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            $out = Invoke-LocalLlm hi -Verbose 4>&1
            $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
            ($out | Where-Object { $_ -is [Ultra.DockerModel.LlmResponse] }).Provider | Should -Be 'backup'
            $verbose | Should -Contain "Trying provider 'local' (DockerModelRunner, model ai/smollm2)."
            $verbose | Where-Object { $_ -like "Provider 'local' is unavailable (RunnerNotRunning:*trying the next provider." } | Should -Not -BeNullOrEmpty
            $verbose | Should -Contain "Trying provider 'backup' (OpenAICompatible, model ai/smollm2)."
        }
        It 'a provider that was unavailable is skipped during the cool-down, and the skip is narrated' {
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            (Invoke-LocalLlm hi).Provider | Should -Be 'backup'
            Reset-StandIn $local  # the runner is back, but the session remembers it failed
            $out = Invoke-LocalLlm hi -Verbose 4>&1
            $r = $out | Where-Object { $_ -is [Ultra.DockerModel.LlmResponse] }
            $r.Provider | Should -Be 'backup'
            $r.Attempts[0].ErrorId | Should -Be 'CoolingDown'
            @(Get-StandInRequests $local).Count | Should -Be 0
            @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "Skipping provider 'local'*cool-down*" }).Count | Should -Be 1
        }
        It 'after -CooldownSec the provider is tried again' {
            Set-LlmProviderFallback -Provider $chain -CooldownSec 1
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            (Invoke-LocalLlm hi).Provider | Should -Be 'backup'
            Reset-StandIn $local
            Start-Sleep -Milliseconds 1500
            (Invoke-LocalLlm hi).Provider | Should -Be 'local'
        }
        It 'a 429 is retried after Retry-After on the same provider' {
            Set-StandInConfig $backup @{ fault = 'http-429'; faultCount = 1 } | Out-Null
            $out = Invoke-LocalLlm hi -Provider backup -Verbose 4>&1
            $r = $out | Where-Object { $_ -is [Ultra.DockerModel.LlmResponse] }
            @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "Provider 'backup' failed (RateLimited); retrying in 1000 ms." }).Count | Should -Be 1
            $r.Provider | Should -Be 'backup'
            $r.Attempts.ErrorId | Should -Be @('RateLimited', $null)
            $r.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.95  # the stand-in says Retry-After: 1
        }
        It 'a runner that sends nothing before -FirstTokenTimeoutSec is left for the next provider' {
            Set-StandInConfig $local @{ fault = 'hang' } | Out-Null
            $r = Invoke-LocalLlm hi -FirstTokenTimeoutSec 1
            $r.Provider | Should -Be 'backup'
            $r.Attempts[0].ErrorId | Should -Be 'Timeout'
        }
        It 'never falls back once text has arrived: the partial text is on the error' {
            Set-StandInConfig $local @{ fault = 'crash-mid-stream'; crashAfterPieces = 3 } | Out-Null
            $e = Invoke-Failing { Invoke-LocalLlm hi }
            $e.FullyQualifiedErrorId | Should -BeLike 'StreamInterrupted,*'
            $e.Exception.PartialText | Should -Not -BeNullOrEmpty
            'You said: «hi».' | Should -BeLike "$($e.Exception.PartialText)*"
            @(Get-StandInRequests $backup).Count | Should -Be 0
        }
        It 'does not fall back on a refused key' {
            Set-LlmProviderFallback -Provider @($chain[1], @{ Name = 'second'; Kind = 'OpenAICompatible'; Endpoint = "$($local.Url)/v1"; Model = 'ai/smollm2' })
            Set-StandInConfig $backup @{ fault = 'http-401' } | Out-Null
            $e = Invoke-Failing { Invoke-LocalLlm hi }
            $e.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            $e.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $e.Exception.Message | Should -BeLike "Provider 'backup' at $backupEndpoint refused*"
            @(Get-StandInRequests $local).Count | Should -Be 0
        }
        It 'a 404 says whether the model or the Endpoint is wrong, naming the provider and its endpoint (issue 10 item 14)' {
            $e = Invoke-Failing { Invoke-LocalLlm hi -Provider backup -Model ai/nope }
            $e.FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            $e.Exception.Message | Should -BeLike "Provider 'backup' at $backupEndpoint does not serve model 'ai/nope'*"
            Reset-StandIn $backup
            $wrong = "$($backup.Url)/wrong/v1"
            Set-LlmProviderFallback -Provider @(@{ Name = 'typo'; Kind = 'OpenAICompatible'; Endpoint = $wrong; Model = 'ai/smollm2' }, $chain[1])
            $e = Invoke-Failing { Invoke-LocalLlm hi }
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
            $e.Exception.Message | Should -BeLike "Provider 'typo' at $wrong answered 404 Not Found*the Endpoint is wrong*"
            @(Get-StandInRequests $backup).Count | Should -Be 0  # the chain stopped there
        }
        It 'when every provider fails, one error lists each attempt' {
            $port = Get-FreePort
            Set-LlmProviderFallback -Provider @($chain[0], @{ Name = 'dead'; Kind = 'OpenAICompatible'; Endpoint = "http://127.0.0.1:$port/v1"; Model = 'm' })
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            $e = Invoke-Failing { Invoke-LocalLlm hi }
            $e.FullyQualifiedErrorId | Should -BeLike 'AllProvidersFailed,*'
            $e.Exception | Should -BeOfType ([Ultra.DockerModel.AllProvidersFailedException])
            $e.Exception.Attempts.Provider | Should -Be @('local', 'dead')
            $e.Exception.Attempts.ErrorId | Should -Be @('RunnerNotRunning', 'RunnerUnreachable')
            $e.Exception.Message | Should -BeLike "*local (ai/smollm2): RunnerNotRunning*dead (m): RunnerUnreachable*127.0.0.1:$port*"
            $e.Exception.Attempts[1].Error | Should -Not -BeLike '*Docker*'  # an OpenAI-compatible server is not Docker
            $e.Exception.Attempts | ForEach-Object { $_.Duration | Should -BeOfType ([timespan]) }
        }
    }

    Describe 'The answer comes from whom the user asked (issue 10)' {
        BeforeEach { Set-LlmProviderFallback -Provider $chain }

        It '-Model naming a model that is not installed is ModelNotFound, whatever the chain holds (item 1)' {
            foreach ($transport in 'Cli', 'Http') {
                $e = Invoke-Failing { Invoke-LocalLlm hi -Model ai/qwen2.5 -Transport $transport }
                $e.FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
                $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
                $e.Exception.Message | Should -BeLike '*Install-LocalModel ai/qwen2.5*-AutoPull*'
            }
            @(Get-StandInRequests $backup).Count | Should -Be 0
            @(Get-StandInRequests $local | Where-Object model -NE 'ai/qwen2.5').Count | Should -Be 0  # local's ai/smollm2 was not asked either
            (Get-StandInStats $local).pulls | Should -Be 0
            # Not a cool-down: once installed, the model answers at once.
            Install-LocalModel ai/qwen2.5
            (Invoke-LocalLlm hi -Model ai/qwen2.5).Model | Should -Be 'ai/qwen2.5'
        }
        It 'says with one warning who failed, why and who answered when another provider answers (item 2)' {
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            $r = Invoke-LocalLlm hi -WarningVariable warned -WarningAction SilentlyContinue
            $r.Provider | Should -Be 'backup'
            @($warned).Count | Should -Be 1
            "$($warned[0])" | Should -BeExactly "'local' (ai/smollm2) failed (RunnerNotRunning), so 'backup' (ai/smollm2) answered. The response's Attempts say more."
            $r.Attempts[0].Error | Should -BeLike '*not running*'
            # Later calls that skip the cooling runner say so too; -WarningAction SilentlyContinue silences it.
            $out = Invoke-LocalLlm hi -WarningAction SilentlyContinue 3>&1
            @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -Be 0
            $out = Invoke-LocalLlm hi 3>&1
            @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -BeLike "'local' (ai/smollm2) was skipped*cool-down*'backup' (ai/smollm2) answered*"
        }
        It 'gives no warning when the first provider answers' {
            $out = Invoke-LocalLlm hi 3>&1
            @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count | Should -Be 0
            ($out | Where-Object { $_ -is [Ultra.DockerModel.LlmResponse] }).Provider | Should -Be 'local'
        }
        It 'continues a piped response with its provider and model (item 3)' {
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            $first = Invoke-LocalLlm 'Name three rivers.' -WarningAction SilentlyContinue
            $first.Provider | Should -Be 'backup'
            Reset-StandIn $local
            [Ultra.DockerModel.Commands.ModuleState]::Cooldown.Reset()  # the runner is back and known to be: it could answer
            $second = $first | Invoke-LocalLlm 'Which is longest?'
            $second.Provider | Should -Be 'backup'
            $sent = @(Get-StandInRequests $backup)[-1].messages
            $sent.role | Should -Be @('user', 'assistant', 'user')
            $sent.content | Should -Be @('Name three rivers.', $first.Text, 'Which is longest?')
            @(Get-StandInRequests $local).Count | Should -Be 0
            # -Provider and -Model say otherwise.
            ($second | Invoke-LocalLlm 'And the shortest?' -Provider local -Transport Http).Provider | Should -Be 'local'
            $r = $second | Invoke-LocalLlm 'And the shortest?' -Model ai/llama3.2
            $r.Provider | Should -Be 'DockerModelRunner'
            $r.Model | Should -Be 'ai/llama3.2'
        }
        It 'continues with the provider that answered even once the chain no longer holds it (item 3)' {
            $first = Invoke-LocalLlm 'Name three rivers.' -Provider backup
            Set-LlmProviderFallback -Provider @($chain[0])
            $second = $first | Invoke-LocalLlm 'Which is longest?'
            $second.Provider | Should -Be 'backup'
            $second.History.Count | Should -Be 4
            @(Get-StandInRequests $local).Count | Should -Be 0
            # With no chain at all, and with the local runner's default entry.
            Clear-LlmProviderFallback
            $local1 = Invoke-LocalLlm 'one' -Model ai/llama3.2
            $local2 = $local1 | Invoke-LocalLlm 'two'
            $local2.Model | Should -Be 'ai/llama3.2'
            (@(Get-StandInRequests $local)[-1]).messages.Count | Should -Be 3
        }
        It 'keeps the cool-down per runspace: a new runspace tries the runner again (item 5)' {
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            (Invoke-LocalLlm hi -WarningAction SilentlyContinue).Provider | Should -Be 'backup'
            Reset-StandIn $local
            (Invoke-LocalLlm hi -WarningAction SilentlyContinue).Attempts[0].ErrorId | Should -Be 'CoolingDown'
            $other = Invoke-Captured 'Invoke-LocalLlm hi'
            $other.Errors | Should -BeNullOrEmpty
            $other.Output[0].Provider | Should -Be 'local'
        }
    }

    Describe 'Set-LlmProviderFallback validation' {
        BeforeEach {
            Set-LlmProviderFallback -Provider $chain
            $script:before = Get-Bytes
        }
        It 'refuses <Case> with a clear error and saves nothing' -TestCases @(
            @{ Case = 'an unknown Kind'; Providers = @(@{ Name = 'x'; Kind = 'Ollama'; Model = 'm' }); Message = "*unknown Kind 'Ollama'*DockerModelRunner, OpenAICompatible or Embedded*" }
            @{ Case = 'a missing Endpoint'; Providers = @(@{ Name = 'x'; Kind = 'OpenAICompatible'; Model = 'm' }); Message = "*'x'*needs an Endpoint*" }
            @{ Case = 'a duplicate Name'; Providers = @(@{ Name = 'x'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' }, @{ Name = 'X'; Kind = 'DockerModelRunner'; Model = 'ai/llama3.2' }); Message = "*'x' is used twice*" }
            @{ Case = 'an unknown key'; Providers = @(@{ Name = 'x'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2'; ApiKey = 'sk-123' }); Message = "*unknown key 'ApiKey'*" }
            @{ Case = 'a missing Name'; Providers = @(@{ Kind = 'DockerModelRunner'; Model = 'ai/smollm2' }); Message = '*needs a Name*' }
            @{ Case = 'a missing Model'; Providers = @(@{ Name = 'x'; Kind = 'DockerModelRunner' }); Message = "*'x' needs a Model*" }
            @{ Case = 'a key where the variable name goes'; Providers = @(@{ Name = 'x'; Kind = 'OpenAICompatible'; Endpoint = 'http://127.0.0.1:1/v1'; Model = 'm'; ApiKeyEnvironmentVariable = 'sk-live-123' }); Message = '*NAME of an environment variable*' }
            @{ Case = 'an Endpoint that is not http(s)'; Providers = @(@{ Name = 'x'; Kind = 'OpenAICompatible'; Endpoint = 'ftp://h/v1'; Model = 'm' }); Message = '*not an http(s) URL*' }
            @{ Case = 'Enabled that is not a boolean'; Providers = @(@{ Name = 'x'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2'; Enabled = 'nope' }); Message = "*Enabled must be*" }
            @{ Case = 'something that is not a provider'; Providers = @('local'); Message = '*neither a hashtable nor an LlmProvider*' }
        ) {
            $e = Invoke-Failing { Set-LlmProviderFallback -Provider $Providers }
            $e.FullyQualifiedErrorId | Should -BeLike 'SettingsInvalid,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
            $e.Exception.Message | Should -BeLike $Message
            Get-Bytes | Should -Be $before
            (Get-LlmProviderFallback).Name | Should -Be @('local', 'backup')
        }
        It '-WhatIf saves nothing' {
            Set-LlmProviderFallback -Provider @(@{ Name = 'other'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' }) -CooldownSec 5 -WhatIf
            Get-Bytes | Should -Be $before
            Remove-Item -LiteralPath $settingsFile
            Set-LlmProviderFallback -Provider $chain -WhatIf
            Test-Path -LiteralPath $settingsFile | Should -BeFalse
        }
        It 'takes New-LlmProvider objects, hashtables and PSCustomObjects, and -PassThru writes typed objects' {
            $cloud = New-LlmProvider -Name cloud -Kind OpenAICompatible -Model gpt-4o-mini -Endpoint 'https://api.example.com/v1' -ApiKeyEnvironmentVariable UDM_CLOUD_KEY -TimeoutSec 20
            $cloud | Should -BeOfType ([Ultra.DockerModel.LlmProvider])
            $json = [pscustomobject]@{ Name = 'fromjson'; Kind = 'OpenAICompatible'; Endpoint = 'http://127.0.0.1:1/v1'; Model = 'm'; TimeoutSec = $null }
            $out = Set-LlmProviderFallback -Provider $chain[0], $cloud, $json -PassThru
            $out | Should -HaveCount 3
            $out | ForEach-Object { $_ | Should -BeOfType ([Ultra.DockerModel.LlmProvider]) }
            $saved = Get-LlmProviderFallback cloud
            $saved.ApiKeyEnvironmentVariable | Should -Be 'UDM_CLOUD_KEY'
            $saved.TimeoutSec | Should -Be 20
            (Get-LlmProviderFallback fromjson).Endpoint | Should -Be 'http://127.0.0.1:1/v1'
        }
        It 'appends to the saved chain with (Get-LlmProviderFallback), $new' {
            $extra = New-LlmProvider -Name extra -Kind DockerModelRunner -Model ai/llama3.2 -Disabled
            Set-LlmProviderFallback -Provider (Get-LlmProviderFallback), $extra
            (Get-LlmProviderFallback).Name | Should -Be @('local', 'backup', 'extra')
            (Get-LlmProviderFallback extra).Enabled | Should -BeFalse
        }
        It 'New-LlmProvider validates too' {
            $e = Invoke-Failing { New-LlmProvider -Name x -Kind OpenAICompatible -Model m }
            $e.FullyQualifiedErrorId | Should -BeLike 'SettingsInvalid,*'
            $e.Exception.Message | Should -BeLike '*needs an Endpoint*'
            { New-LlmProvider -Name x -Kind Ollama -Model m } | Should -Throw '*Ollama*'
        }
    }

    Describe 'Get- and Clear-LlmProviderFallback' {
        BeforeEach { Set-LlmProviderFallback -Provider $chain -CooldownSec 45 }

        It 'Get returns the chain in order as typed objects' {
            $got = Get-LlmProviderFallback
            $got.Name | Should -Be @('local', 'backup')
            $got | ForEach-Object { $_ | Should -BeOfType ([Ultra.DockerModel.LlmProvider]) }
            $got[1].Kind | Should -Be ([Ultra.DockerModel.LlmProviderKind]::OpenAICompatible)
            $got[1].Endpoint | Should -Be $backupEndpoint
            (Get-LlmProviderFallback -Name 'b*').Name | Should -Be 'backup'
        }
        It 'has a table view' {
            $table = Get-LlmProviderFallback | Format-Table | Out-String -Width 80
            $table | Should -Match 'Name\s+Kind\s+Model\s+Endpoint\s+Enabled'
            $table | Should -Match 'backup\s+OpenAI\s+ai/smollm2\s+http://127\.0\.0\.1:\d+/v1'
        }
        It 'Clear empties the chain and keeps the other settings' {
            Clear-LlmProviderFallback
            Get-LlmProviderFallback | Should -BeNullOrEmpty
            (Get-Content -Raw $settingsFile | ConvertFrom-Json).cooldownSec | Should -Be 45
        }
        It 'Clear -WhatIf changes nothing' {
            $before = Get-Bytes
            Clear-LlmProviderFallback -WhatIf
            Get-Bytes | Should -Be $before
        }
        It 'completes -Provider from the saved chain' {
            $line = 'Invoke-LocalLlm hi -Provider ba'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('backup')
            $line = 'Invoke-LocalLlm hi -Provider '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('local', 'backup')
            $line = 'Get-LlmProviderFallback -Name lo'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('local')
        }
        It 'quotes a completed name that holds a space' {
            Set-LlmProviderFallback -Provider @(@{ Name = "team's box"; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' })
            $line = 'Invoke-LocalLlm hi -Provider te'
            $match = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
            $match.CompletionText | Should -Be "'team''s box'"
            $match.ListItemText | Should -Be "team's box"
            (Invoke-LocalLlm hi -Provider "team's box").Provider | Should -Be "team's box"
        }
    }

    Describe 'Settings file' {
        It 'lives in ULTRA_DOCKERMODEL_HOME and round-trips through a new session' {
            Set-LlmProviderFallback -Provider $chain -CooldownSec 12
            Test-Path -LiteralPath $settingsFile | Should -BeTrue
            $json = Get-Content -Raw $settingsFile | ConvertFrom-Json
            $json.providers.name | Should -Be @('local', 'backup')
            $json.cooldownSec | Should -Be 12
            Get-ChildItem -LiteralPath $env:ULTRA_DOCKERMODEL_HOME -Filter *.tmp | Should -BeNullOrEmpty
            $other = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; Get-LlmProviderFallback | ForEach-Object { '{0}|{1}|{2}|{3}' -f `$_.Name, `$_.Kind, `$_.Model, `$_.Endpoint }"
            $other | Should -Be @('local|DockerModelRunner|ai/smollm2|', "backup|OpenAICompatible|ai/smollm2|$backupEndpoint")
        }
        It 'a corrupt file is a clear error naming it for what needs the chain, and is left untouched' {
            $null = New-Item -ItemType Directory -Force -Path $env:ULTRA_DOCKERMODEL_HOME
            $bytes = [Text.Encoding]::UTF8.GetBytes("{ `"providers`": [ { `"name`": `"half`", ")
            [IO.File]::WriteAllBytes($settingsFile, $bytes)
            $broken = [Convert]::ToBase64String($bytes)
            foreach ($call in { Invoke-LocalLlm hi }, { Invoke-LocalLlm hi -Provider local }, { Get-LlmProviderFallback }) {
                $e = Invoke-Failing $call
                $e.FullyQualifiedErrorId | Should -BeLike 'SettingsInvalid,*'
                $e.Exception.Message | Should -BeLike "*'$settingsFile'*left as it is*"
                Get-Bytes | Should -Be $broken
            }
            @(Get-StandInRequests $local).Count | Should -Be 0
            # A call that needs no chain still runs, with a warning naming the file (issue 10 item 18).
            $r = Invoke-LocalLlm hi -Model ai/smollm2 -NoFallback -WarningVariable warned -WarningAction SilentlyContinue
            $r.Text | Should -BeLike 'You said: «hi».*'
            "$warned" | Should -BeLike "*'$settingsFile'*without the saved fallback chain*"
            (Invoke-LocalLlm hi -Model ai/smollm2 -WarningAction SilentlyContinue).Provider | Should -Be 'DockerModelRunner'
            Get-Bytes | Should -Be $broken
            # -WhatIf on the commands that would replace it changes nothing either.
            Clear-LlmProviderFallback -WhatIf
            Set-LlmProviderFallback -Provider $chain -WhatIf
            Get-Bytes | Should -Be $broken
            # Tab completion must not throw on it either.
            $line = 'Invoke-LocalLlm hi -Provider '
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
        }
    }

    Describe 'Repairing the settings (issue 10 items 18 and 19)' {
        BeforeEach {
            $null = New-Item -ItemType Directory -Force -Path $env:ULTRA_DOCKERMODEL_HOME
            Get-ChildItem -LiteralPath $env:ULTRA_DOCKERMODEL_HOME -Filter 'settings.json.corrupt-*' | Remove-Item
            $script:brokenText = '{ "providers": [ { "name": "half-written'
            [IO.File]::WriteAllText($settingsFile, $brokenText)
        }

        It '<Command> replaces a corrupt file after moving it aside, and says where it went' -ForEach @(
            @{ Command = 'Clear-LlmProviderFallback'; Call = { Clear-LlmProviderFallback -WarningVariable w -WarningAction SilentlyContinue; $w }; Names = @() }
            @{ Command = 'Set-LlmProviderFallback'; Call = { Set-LlmProviderFallback -Provider $chain -WarningVariable w -WarningAction SilentlyContinue; $w }; Names = @('local', 'backup') }
        ) {
            $warned = & $Call
            $aside = @(Get-ChildItem -LiteralPath $env:ULTRA_DOCKERMODEL_HOME -Filter 'settings.json.corrupt-*')
            $aside.Count | Should -Be 1
            $aside[0].Name | Should -Match '^settings\.json\.corrupt-\d{8}T\d{9}Z$'
            Get-Content -Raw -LiteralPath $aside[0].FullName | Should -BeExactly $brokenText
            "$warned" | Should -BeLike "*not valid*$($aside[0].FullName)*"
            @((Get-LlmProviderFallback).Name) | Should -Be $Names
        }
        It 'replacing asks first with -Confirm, and ConfirmImpact is Medium' {
            foreach ($name in 'Set-LlmProviderFallback', 'Clear-LlmProviderFallback') {
                $attribute = (Get-Command $name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
                $attribute.ConfirmImpact | Should -Be 'Medium'
            }
            # -WhatIf writes to the host: run it in a child pwsh and read its output.
            $said = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; Clear-LlmProviderFallback -WhatIf"
            "$said" | Should -BeLike '*Clear the LLM provider fallback chain, after moving the corrupt file aside to*settings.json.corrupt-*'
            Get-Content -Raw -LiteralPath $settingsFile | Should -BeExactly $brokenText
        }
        It 'takes the providers from the pipeline: Get | Where-Object | Set' {
            Set-LlmProviderFallback -Provider $chain -WarningAction SilentlyContinue  # replaces the corrupt file
            Get-LlmProviderFallback | Where-Object Name -ne local | Set-LlmProviderFallback
            (Get-LlmProviderFallback).Name | Should -Be @('backup')
            # Hashtables and objects piped one by one keep their order.
            $chain[1], $chain[0] | Set-LlmProviderFallback -CooldownSec 9
            (Get-LlmProviderFallback).Name | Should -Be @('backup', 'local')
            (Get-Content -Raw $settingsFile | ConvertFrom-Json).cooldownSec | Should -Be 9
        }
        It 'refuses an empty chain, from -Provider @() or a pipeline that keeps nothing, pointing at Clear-LlmProviderFallback' {
            Set-LlmProviderFallback -Provider $chain -WarningAction SilentlyContinue  # replaces the corrupt file
            $before = Get-Bytes
            foreach ($call in { Set-LlmProviderFallback -Provider @() }, { Get-LlmProviderFallback | Where-Object Name -eq nope | Set-LlmProviderFallback }) {
                $e = Invoke-Failing $call
                $e.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
                $e.Exception.Message | Should -BeLike '*Clear-LlmProviderFallback*'
                Get-Bytes | Should -Be $before
            }
        }
    }

    Describe 'API keys never show' {
        BeforeAll {
            $script:keyName = 'UDM_PESTER_BACKUP_KEY'
            $script:key = 'sk-udm-PESTER-5f1e9c0b7a3d4e2f8c6b'
            Set-Item "env:$keyName" $key
            $script:keyed = @($chain[0], ($chain[1] + @{ ApiKeyEnvironmentVariable = $keyName }))
        }
        AfterAll { Remove-Item "env:$keyName" -ErrorAction SilentlyContinue }
        BeforeEach { Set-LlmProviderFallback -Provider $keyed }

        It 'is not in settings.json, only the variable name is' {
            $text = Get-Content -Raw $settingsFile
            $text | Should -Not -BeLike "*$key*"
            $text | Should -BeLike "*$keyName*"
        }
        It 'is not in the Get-LlmProviderFallback views' {
            $views = (Get-LlmProviderFallback | Format-Table | Out-String -Width 300) + (Get-LlmProviderFallback | Format-List * | Out-String -Width 300)
            $views | Should -Not -BeLike "*$key*"
            $views | Should -BeLike "*$keyName*"
        }
        It 'is not in verbose or debug output, the request body, or the answer' {
            Set-StandInConfig $local @{ fault = 'not-running' } | Out-Null
            # -Debug makes a warning ask first (PowerShell's rule); the fallback warning is expected here.
            $all = Invoke-LocalLlm hi -Verbose -Debug -WarningAction Continue *>&1 | ForEach-Object { $_; if ($_ -is [Ultra.DockerModel.LlmResponse]) { $_.Attempts | Format-List * } } | Out-String -Width 300
            $all | Should -BeLike '*backup*'
            $all | Should -Not -BeLike "*$key*"
            (Get-StandInRequests $backup | ConvertTo-Json -Depth 10) | Should -Not -BeLike "*$key*"
        }
        It 'is not in the error record of a refused key, which names the variable to check' {
            Set-StandInConfig $backup @{ fault = 'http-401' } | Out-Null
            $streams = [System.Collections.Generic.List[object]]::new()
            $e = $null
            try { Invoke-LocalLlm hi -Provider backup -Verbose -Debug *>&1 | ForEach-Object { $streams.Add($_) } } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            $e.Exception.Message | Should -BeLike "*$keyName*"
            @($streams | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
            $everything = ($streams | Out-String -Width 300) + ($e | Out-String -Width 300) + ($e | Format-List * -Force | Out-String -Width 300) +
                ($e.Exception | Format-List * -Force | Out-String -Width 300) + $e.Exception.ToString() + "$($e.Exception.RawError)" + "$($e.TargetObject)"
            $everything | Should -Not -BeLike "*$key*"
        }
        It 'a missing key variable stops the call with AuthenticationFailed naming it' {
            Set-LlmProviderFallback -Provider @(($chain[1] + @{ ApiKeyEnvironmentVariable = 'UDM_PESTER_UNSET_KEY' }))
            $e = Invoke-Failing { Invoke-LocalLlm hi }
            $e.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            $e.Exception.Message | Should -BeLike '*UDM_PESTER_UNSET_KEY*not set*'
            @(Get-StandInRequests $backup).Count | Should -Be 0
        }
        # That the key IS sent as "Authorization: Bearer <key>" is proved in xunit
        # (Routing/LlmRouterStandInTests, against LoopbackOpenAIServer): the stand-in records bodies, not headers.
    }
}
