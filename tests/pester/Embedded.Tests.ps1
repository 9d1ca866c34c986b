# The embedded engine through the module as a user runs it: provider kind Embedded, the three output shapes of
# Invoke-LocalLlm, llama.cpp's log on -Verbose/-Debug, a model kept loaded and released by Remove-Module, 4 runspaces
# on one model, Ctrl+C, bad files, and an Import-Module that does not load the engine. Models are written by the test.
Describe 'Embedded engine' -Tag Embedded {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:model = New-TestGguf (Join-Path $TestDrive 'tiny.gguf')
        $script:wide = New-TestGguf (Join-Path $TestDrive 'wide.gguf') -Embedding 256 -Layers 4 -FeedForward 768 -Context 4096
        Set-LlmProviderFallback -Provider @{ Name = 'e'; Kind = 'Embedded'; Model = $model }, @{ Name = 'wide'; Kind = 'Embedded'; Model = $wide }
        $script:engineHost = [Ultra.DockerModel.Engine.EmbeddedEngineHost]::Default

        function Loaded([string] $Path) { @($engineHost.Loaded.GetLoadedModels()) | Where-Object Path -EQ $Path }

        # The answer's first run of 4+ letters: random-weight models also print control characters a terminal would eat.
        function Get-Word([string] $Text) { ([regex]::Matches($Text, '\p{L}{4,}') | Select-Object -First 1).Value }
    }

    Context 'Provider kind Embedded' {
        It 'is accepted by New-LlmProvider and in hashtables, with a .gguf path or a Docker model name' {
            (New-LlmProvider -Name a -Kind Embedded -Model $model).Kind | Should -Be 'Embedded'
            (New-LlmProvider -Name b -Kind Embedded -Model ai/smollm2).Model | Should -Be 'ai/smollm2'
            # A relative path is the file PowerShell's location names, not the process's own folder.
            Push-Location (Split-Path $model)
            try { (New-LlmProvider -Name r -Kind Embedded -Model "./$(Split-Path $model -Leaf)").Model | Should -Be $model }
            finally { Pop-Location }
            (Get-LlmProviderFallback | Where-Object Name -EQ 'e').Kind | Should -Be 'Embedded'
            { New-LlmProvider -Name c -Kind Embedded -Model 'ai/x;rm -rf /' } | Should -Throw -ErrorId 'SettingsInvalid,*'
        }
        It 'runs a relative -Model path from PowerShell''s location, not the process''s folder' {
            Push-Location (Split-Path $model)
            try { (Invoke-LocalLlm 'hi' -Provider e -Model "./$(Split-Path $model -Leaf)" -MaxTokens 2 -Threads 1).Provider | Should -Be 'e' }
            finally { Pop-Location }
        }
        It 'completes Embedded for -Kind' {
            $line = 'New-LlmProvider x -Kind Emb'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'Embedded'
        }
    }

    Context 'Output shapes' {
        It 'answers with an LlmResponse: provider, usage and finish reason' {
            $r = Invoke-LocalLlm 'hi' -Provider e -MaxTokens 8 -Threads 1
            $r | Should -BeOfType ([Ultra.DockerModel.LlmResponse])
            $r.Provider | Should -Be 'e'
            $r.Model | Should -Be $model
            $r.CompletionTokens | Should -Be 8
            $r.FinishReason | Should -Be 'length'
            $r.PromptTokens | Should -BeGreaterThan 5
            $r.History[-1].Content | Should -BeExactly $r.Text
        }
        It '-Stream writes the pieces as they are generated' {
            $seen = [Collections.Generic.List[object]]::new()
            Invoke-LocalLlm 'Tell me a story' -Provider e -MaxTokens 120 -Threads 1 -Stream | ForEach-Object {
                # Whether the model was still generating when this piece reached the pipeline.
                $seen.Add([pscustomobject]@{ Piece = $_; Generating = (Loaded $model).ActiveCalls -gt 0 })
            }
            $seen.Count | Should -BeGreaterThan 50
            foreach ($s in $seen) { $s.Piece | Should -BeOfType ([string]) }
            $seen[0].Generating | Should -BeTrue
        }
        It 'shows the answer live at a console, once, then a summary' -Skip:(-not $IsLinux -or -not (Get-Command script -CommandType Application -ErrorAction SilentlyContinue)) {
            $answer = (Invoke-LocalLlm 'hi' -Provider e -MaxTokens 40 -Temperature 0 -Threads 1).Text
            $word = Get-Word $answer
            $word | Should -Not -BeNullOrEmpty -Because "the greedy answer has a word to look for: $answer"
            $t = Invoke-InTerminal "Invoke-LocalLlm 'hi' -Provider e -MaxTokens 40 -Temperature 0 -Threads 1" # the child reads this file's settings
            $t.ExitCode | Should -Be 0
            ([regex]::Matches($t.Text, [regex]::Escape($word))).Count | Should -Be 1 -Because "the answer is shown once:`n$($t.Text)"
            # The summary row: the provider, the model path from its start (the 80-column view may cut its end), both
            # durations with their numbers, and the finish reason.
            $row = '(?m)^e\s+' + [regex]::Escape($model.Substring(0, 16)) + '\S*\s+[\d.]+ s\s+[\d.]+ s\s+length\s*$'
            $t.Text | Should -Match $row
        }
    }

    Context 'Structured output: a grammar from the schema' {
        BeforeAll {
            # Every part bounded by the grammar (numbers, enums, a short list), so any answer it lets out ends within the
            # token limit. No free string: the grammar counts a string's maxLength in code points as llama.cpp decodes
            # them, the validator in UTF-16 units, and random weights write invalid UTF-8 (one U+FFFD per byte) and
            # astral characters. [ordered]: the properties in the order written (a hashtable's are sorted).
            $script:invoice = [ordered]@{
                type = 'object'; required = @('total', 'paid', 'kind', 'lines')
                properties = [ordered]@{
                    total = @{ type = 'number' }; paid = @{ type = 'boolean' }; kind = @{ enum = @('invoice', 'receipt') }
                    lines = [ordered]@{ type = 'array'; maxItems = 3; items = @{ type = 'integer' } }
                }
            }
        }
        It 'on its own, this model does not write JSON' {
            { (Invoke-LocalLlm 'Extract the invoice' -Provider e -MaxTokens 60 -Seed 1 -Threads 1).Text | ConvertFrom-Json } | Should -Throw
        }
        It '-Schema: whatever the random weights say, the first answer parses and matches (seed <_>)' -ForEach 1, 2, 3, 4, 5, 6 {
            $r = Invoke-LocalLlm 'Extract the invoice' -Provider e -Schema $invoice -SchemaRetryCount 0 -Seed $_ -MaxTokens 1000 -Threads 1 -AsResponse
            $r.FinishReason | Should -Be 'stop' -Because "the grammar ends the answer: $($r.Text)"
            $o = $r.Text | ConvertFrom-Json
            $o.total | Should -BeOfType ([ValueType])
            $o.paid | Should -BeOfType ([bool])
            $o.kind | Should -BeIn 'invoice', 'receipt'
            @($o.lines).Count | Should -BeLessOrEqual 3
            $value = Invoke-LocalLlm 'Extract the invoice' -Provider e -Schema $invoice -SchemaRetryCount 0 -Seed $_ -MaxTokens 1000 -Threads 1
            $value.kind | Should -Be $o.kind -Because 'the object written is the parsed answer'
        }
        It 'a hashtable schema and a -Seed give the same answer in another process' {
            # A hashtable's key order differs from process to process; the schema (so the grammar) must not.
            $call = "(Invoke-LocalLlm 'Extract the invoice' -Provider e -Seed 3 -MaxTokens 1000 -Threads 1 -AsResponse -Schema @{ type = 'object'; required = @('total', 'paid', 'kind', 'count', 'due'); properties = @{ total = @{ type = 'number' }; paid = @{ type = 'boolean' }; kind = @{ enum = @('invoice', 'receipt') }; count = @{ type = 'integer' }; due = @{ type = 'integer' } } }).Text"
            $answers = 1..3 | ForEach-Object { (& $Pwsh -NoLogo -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; $call") -join "`n" } # the child reads this file's settings
            $answers[0] | Should -Not -BeNullOrEmpty
            $answers[1] | Should -BeExactly $answers[0]
            $answers[2] | Should -BeExactly $answers[0]
        }
        It '-AsJson answers a JSON object' {
            $r = Invoke-LocalLlm 'hi' -Provider e -AsJson -SchemaRetryCount 0 -Seed 2 -MaxTokens 400 -Threads 1 -AsResponse
            $r.Text.Trim() | Should -Match '^\{[\s\S]*\}$'
            $r.Text | ConvertFrom-Json | Should -BeOfType ([pscustomobject])
        }
    }

    Context 'Embeddings: Get-LlmEmbedding over an Embedded provider' {
        BeforeAll {
            # An embedding GGUF carries its pooling; these have the weights of $model (same writer, same seed).
            $script:meanPooled = New-TestGguf (Join-Path $TestDrive 'embed-mean.gguf') -Pooling mean
            $script:lastPooled = New-TestGguf (Join-Path $TestDrive 'embed-last.gguf') -Pooling last
            $script:chain = Get-LlmProviderFallback
            Set-LlmProviderFallback -Provider (@($chain) + (New-LlmProvider -Name vec -Kind Embedded -Model $meanPooled) + (New-LlmProvider -Name vec-last -Kind Embedded -Model $lastPooled))
            $script:docs = 'How do I reset my password?', 'Where is the invoice for March?', 'Password rules: twelve characters', 'Opening hours of the shop'
        }
        AfterAll { Set-LlmProviderFallback -Provider $chain }

        It 'writes one vector per text, and -Query ranks the text it equals first' {
            $e = $docs | Get-LlmEmbedding -Provider vec -Query $docs[2] -ErrorAction Stop
            $e.Text | Should -Be $docs
            $e[0].Provider | Should -Be 'vec'
            $e[0].Model | Should -Be $meanPooled
            $e[0].Dimensions | Should -Be 64
            $e[0].Vector | Should -BeOfType ([float])
            @($e.Vector | Select-Object -Unique).Count | Should -BeGreaterThan 10
            $top = $e | Sort-Object Similarity -Descending | Select-Object -First 1
            $top.Text | Should -Be $docs[2]
            $top.Similarity | Should -BeGreaterThan 0.9999
        }
        It 'pools as the GGUF says, and a language model by the mean of its states' {
            $v = { param($provider) ($docs[0] | Get-LlmEmbedding -Provider $provider -ErrorAction Stop).Vector }
            $mean = & $v vec
            & $v e | Should -Be $mean -Because 'a language model has no pooling of its own: the engine averages, as the mean-pooled GGUF does'
            & $v vec-last | Should -Not -Be $mean -Because 'the last token''s state is not the mean'
        }
    }

    Context 'Engine behaviour through the cmdlet' {
        It 'puts llama.cpp''s log of the first load on -Debug, and none on the next call' {
            $copy = Join-Path $TestDrive 'logged.gguf'
            Copy-Item $model $copy
            $call = "`$DebugPreference = 'Continue'; Invoke-LocalLlm 'hi' -Provider e -Model '$copy' -MaxTokens 2 -Threads 1 5>&1"
            $loaderLines = { param($r) @($r.Output | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -like "llama.cpp: llama_model_loader*$copy*" }) }
            $first = Invoke-Captured $call
            $first.Errors | Should -BeNullOrEmpty
            & $loaderLines $first | Should -Not -BeNullOrEmpty
            & $loaderLines (Invoke-Captured $call) | Should -BeNullOrEmpty -Because 'the model was already loaded'
        }
        It 'keeps a model loaded for the next call; Remove-Module releases it' {
            Invoke-LocalLlm 'hi' -Provider e -MaxTokens 2 -Threads 1 | Out-Null
            $loadedAt = (Loaded $model).LoadedAt
            Invoke-LocalLlm 'hi' -Provider e -MaxTokens 2 -Threads 1 | Out-Null
            (Loaded $model).LoadedAt | Should -Be $loadedAt
            Remove-Module Ultra.DockerModel
            Loaded $model | Should -BeNullOrEmpty
            Import-Module $ModulePath
        }
        It 'serves 4 runspaces at once on one model, each its own answer' {
            $alone = (Invoke-LocalLlm 'Once upon a time' -Provider e -MaxTokens 30 -Temperature 0 -Threads 1).Text
            $answers = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
                Import-Module $using:ModulePath
                (Invoke-LocalLlm 'Once upon a time' -Provider e -MaxTokens 30 -Temperature 0 -Threads 1).Text
            }
            $answers.Count | Should -Be 4
            foreach ($a in $answers) { $a | Should -BeExactly $alone }
            (Loaded $model).ActiveCalls | Should -Be 0
        }
        It 'stops at once on Ctrl+C during the prompt pass and during generation' {
            $long = 'the little cat was happy and played in the park. ' * 80 # 1,859 tokens: over a second to read
            Invoke-LocalLlm 'warm' -Provider wide -MaxTokens 1 -Threads 1 | Out-Null
            foreach ($case in @(@{ Prompt = $long; Max = 2; Prefill = $true }, @{ Prompt = 'Once upon a time'; Max = 100000; Prefill = $false })) {
                $ps = [powershell]::Create()
                # Greedy: this model's answer runs over a thousand tokens before its end token, seconds to cancel in.
                $null = $ps.AddScript("Import-Module '$ModulePath'; Invoke-LocalLlm '$($case.Prompt)' -Provider wide -MaxTokens $($case.Max) -Temperature 0 -Threads 1 -Stream")
                $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $run = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
                # Into the prompt pass (the call holds the model), or into generation (pieces are out).
                $until = [datetime]::UtcNow.AddSeconds(30)
                while (-not ($case.Prefill ? (Loaded $wide).ActiveCalls -gt 0 : $output.Count -gt 0) -and [datetime]::UtcNow -lt $until) { Start-Sleep -Milliseconds 10 }
                Start-Sleep -Milliseconds 30
                $run.IsCompleted | Should -BeFalse
                if ($case.Prefill) { $output.Count | Should -Be 0 -Because 'still reading the prompt' }
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                # PowerShell.Stop() returns after the pipeline has stopped: thread hand-offs that take tens of ms each on a
                # saturated machine (800 ms seen at load average 133). The engine's own stop is held to 100 ms in xunit.
                $clock.ElapsedMilliseconds | Should -BeLessThan 1500
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $ps.Dispose()
            }
            # The cancelled native work ends and gives its context back.
            $until = [datetime]::UtcNow.AddSeconds(5)
            while ((Loaded $wide).ActiveCalls -gt 0 -and [datetime]::UtcNow -lt $until) { Start-Sleep -Milliseconds 20 }
            (Loaded $wide).ActiveCalls | Should -Be 0
        }
    }

    Context 'Bad files' {
        It 'reports a corrupt GGUF as ModelLoadFailed naming the file' {
            $bad = Join-Path $TestDrive 'corrupt.gguf'
            [IO.File]::WriteAllBytes($bad, [byte[]](1..200 | ForEach-Object { $_ }))
            $e = { Invoke-LocalLlm 'hi' -Provider e -Model $bad -MaxTokens 2 } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -BeLike 'ModelLoadFailed,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
            $e.Exception.Message | Should -BeLike "*$bad*"
        }
        It 'reports a GGUF that is not a language model as ModelLoadFailed' {
            $clip = New-TestGguf (Join-Path $TestDrive 'clip.gguf') -Architecture clip
            $e = { Invoke-LocalLlm 'hi' -Provider e -Model $clip -MaxTokens 2 } | Should -Throw -PassThru
            $e.FullyQualifiedErrorId | Should -BeLike 'ModelLoadFailed,*'
            $e.Exception.Message | Should -BeLike '*clip*'
        }
    }

    Context 'Loading' {
        It 'does not load the engine at Import-Module, only on first use, into its own load context' {
            $script = @"
Import-Module '$ModulePath'
`$names = { [AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { `$_.GetName().Name } }
'import:' + ((& `$names) -contains 'LLamaSharp') + ',' + ((& `$names) -contains 'Ultra.DockerModel.Embedded')
`$null = Invoke-LocalLlm 'hi' -Provider e -MaxTokens 1 -Threads 1
`$llama = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'LLamaSharp' }
'used:' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$llama).GetType().Name
"@
            $out = & $Pwsh -NoLogo -NoProfile -NonInteractive -Command $script
            $out | Should -Contain 'import:False,False'
            $out | Should -Contain 'used:EngineLoadContext'
        }
    }
}

# Issue 13's "done when": Invoke-LocalLlm -Model with no Docker Model Runner runs a model from a store on disk in-process.
Describe 'Embedded fallback: -Model when Docker Model Runner cannot answer' -Tag Embedded {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        # Docker's store as Docker Model Runner leaves it after a pull, read (never written) through MODELS_PATH.
        $script:dockerStore = Join-Path $TestDrive 'docker-models'
        $script:blob = New-TestGguf (Join-Path $TestDrive 'pulled.gguf') -Store $dockerStore -Tag 'docker.io/ai/tiny:latest'
        $script:saved = @{ PATH = $env:PATH; MODELS_PATH = $env:MODELS_PATH }
        $env:MODELS_PATH = $dockerStore
        Set-LlmProviderFallback -CooldownSec 0 # each case meets the runner as it is, not as an earlier case left it
        $script:engineHost = [Ultra.DockerModel.Engine.EmbeddedEngineHost]::Default
        function Loaded([string] $Path) { @($engineHost.Loaded.GetLoadedModels()) | Where-Object Path -EQ $Path }
    }
    AfterAll {
        $env:PATH = $saved.PATH
        $env:MODELS_PATH = $saved.MODELS_PATH
    }

    Context 'Docker is not installed (docker off PATH)' {
        BeforeAll {
            $env:PATH = ($saved.PATH -split [IO.Path]::PathSeparator | Where-Object { $_ -and -not (Test-Path -LiteralPath (Join-Path $_ 'docker')) }) -join [IO.Path]::PathSeparator
            (Get-Command docker -CommandType Application -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        }
        AfterAll { $env:PATH = $saved.PATH }

        It 'answers ''hi'' through Embedded from the store; -Verbose says so and nothing warns' {
            $out = Invoke-LocalLlm 'hi' -Model ai/tiny -MaxTokens 8 -Threads 1 -Verbose -WarningVariable warned 4>&1
            $r = $out | Where-Object { $_ -is [Ultra.DockerModel.LlmResponse] }
            $r.Provider | Should -Be 'Embedded'
            $r.Model | Should -Be 'ai/tiny'
            $r.PromptTokens | Should -BeGreaterThan 5
            $r.Attempts.Count | Should -Be 1 -Because 'there was nothing to fall back from'
            @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
                Should -Contain "Docker is not installed (no docker on PATH): running 'ai/tiny' in-process with the embedded engine."
            $warned | Should -BeNullOrEmpty
            Loaded $blob | Should -Not -BeNullOrEmpty -Because 'the GGUF blob of Docker''s store was loaded as it is'
        }
        It '-Stream gives the pieces while it generates' {
            $seen = [Collections.Generic.List[object]]::new()
            Invoke-LocalLlm 'hi' -Model ai/tiny -MaxTokens 60 -Threads 1 -Stream | ForEach-Object {
                $seen.Add([pscustomobject]@{ Piece = $_; Generating = (Loaded $blob).ActiveCalls -gt 0 })
            }
            $seen.Count | Should -BeGreaterThan 10
            $seen[0].Generating | Should -BeTrue
        }
        # README's first command on a machine with neither Docker nor a reachable registry.
        It 'with -AutoPull and no registry to reach, is RegistryUnreachable naming the registry' {
            $closed = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
            $closed.Start(); $port = $closed.LocalEndpoint.Port; $closed.Stop() # a port nothing listens on
            $saved = $env:DEFAULT_REGISTRY
            $env:DEFAULT_REGISTRY = "127.0.0.1:$port"
            try {
                $e = { Invoke-LocalLlm 'Say hello in five words' -Model ai/smollm2 -AutoPull } | Should -Throw -PassThru
                $e.FullyQualifiedErrorId | Should -BeLike 'RegistryUnreachable,*'
                $e.CategoryInfo.Category | Should -Be 'ConnectionError'
                $e.Exception.Message | Should -BeLike "*127.0.0.1:$port*"
            }
            finally { $env:DEFAULT_REGISTRY = $saved }
        }
        It 'is DockerNotInstalled, as before, for a model in no store or with the EmbeddedFallback setting off' {
            { Invoke-LocalLlm 'hi' -Model ai/absent -MaxTokens 2 } | Should -Throw -ErrorId 'DockerNotInstalled,*'
            Set-LlmProviderFallback -EmbeddedFallback:$false
            try { { Invoke-LocalLlm 'hi' -Model ai/tiny -MaxTokens 2 } | Should -Throw -ErrorId 'DockerNotInstalled,*' }
            finally { Set-LlmProviderFallback -EmbeddedFallback }
        }
    }

    Context 'Docker Model Runner installed but stopped (stand-in, not-running)' {
        BeforeAll {
            $script:standIn = Start-StandIn
            Enable-StandIn $standIn
            Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
        }
        AfterAll {
            Disable-StandIn $standIn
            Stop-StandIn $standIn
            Clear-LlmProviderFallback -Confirm:$false
        }

        It 'falls back to Embedded with the one-line fallback warning' {
            $r = Invoke-LocalLlm 'hi' -Model ai/tiny -MaxTokens 4 -Threads 1 -WarningVariable warned -WarningAction SilentlyContinue
            $r.Provider | Should -Be 'Embedded'
            $r.Attempts.Count | Should -Be 2
            $r.Attempts[0].ErrorId | Should -Be 'RunnerNotRunning'
            @($warned).Count | Should -Be 1
            "$warned" | Should -BeLike "*'DockerModelRunner' (ai/tiny)*RunnerNotRunning*'Embedded' (ai/tiny) answered*"
        }
        It 'uses Embedded only where a configured chain names it' {
            Set-LlmProviderFallback -Provider @{ Name = 'local'; Kind = 'DockerModelRunner'; Model = 'ai/tiny' }
            { Invoke-LocalLlm 'hi' -Model ai/tiny -MaxTokens 2 -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'RunnerNotRunning,*'
            Set-LlmProviderFallback -Provider @{ Name = 'local'; Kind = 'DockerModelRunner'; Model = 'ai/tiny' }, @{ Name = 'mine'; Kind = 'Embedded'; Model = 'ai/tiny' }
            (Invoke-LocalLlm 'hi' -Model ai/tiny -MaxTokens 2 -Threads 1 -WarningAction SilentlyContinue).Provider | Should -Be 'mine'
        }
    }
}
