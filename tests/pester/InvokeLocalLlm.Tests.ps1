# Invoke-LocalLlm against the stand-in runner: the three output shapes, pipeline input, the CLI and HTTP transports,
# models that are not installed, time-outs and cancellation, errors mid-stream, and prompts delivered byte for byte.
Describe 'Invoke-LocalLlm' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn

        # What the stand-in's deterministic model answers.
        function Answer([string] $Prompt, [string] $System) {
            $head = "You said: «$Prompt»."
            if ($PSBoundParameters.ContainsKey('System')) { $head += " System: «$System»." }
            $head + ' Ünïcödé ✓ 日本語 🙂 done.'
        }

        # The last chat request that reached the runner.
        function LastRequest { @(Get-StandInRequests $standIn)[-1] }

        function New-Marker { 'marker-' + [guid]::NewGuid().ToString('N') }

        # Live processes (docker, the plugin) whose command line carries the marker; zombies do not count.
        function Get-MarkedProcess([string] $Marker) {
            foreach ($dir in [IO.Directory]::GetDirectories('/proc')) {
                $name = [IO.Path]::GetFileName($dir)
                if ($name -notmatch '^\d+$' -or [int]$name -eq $PID) { continue }
                try {
                    $cmdline = [IO.File]::ReadAllText("$dir/cmdline")
                    if (-not $cmdline.Contains($Marker)) { continue }
                    $stat = [IO.File]::ReadAllText("$dir/stat")
                    if ($stat.Substring($stat.LastIndexOf(')') + 2, 1) -ne 'Z') { [int]$name }
                }
                catch [System.IO.IOException], [System.UnauthorizedAccessException] { }
            }
        }

        # Polls until the condition holds; returns whether it did.
        function Wait-Until([scriptblock] $Condition, [double] $TimeoutSec = 10) {
            $until = [datetime]::UtcNow.AddSeconds($TimeoutSec)
            while (-not (& $Condition)) {
                if ([datetime]::UtcNow -gt $until) { return $false }
                Start-Sleep -Milliseconds 50
            }
            $true
        }

        function Count-Occurrence([string] $Text, [string] $Needle) {
            ([regex]::Matches($Text, [regex]::Escape($Needle))).Count
        }
    }
    AfterAll {
        Disable-StandIn $standIn
        Stop-StandIn $standIn
    }
    BeforeEach { Reset-StandIn $standIn }

    Context 'Output: one LlmResponse by default' {
        It 'writes a single LlmResponse with every property set' {
            $out = @(Invoke-LocalLlm 'Say hi' -Model ai/smollm2)
            $out.Count | Should -Be 1
            $r = $out[0]
            $r | Should -BeOfType ([Ultra.DockerModel.LlmResponse])
            $r.Text | Should -BeExactly (Answer 'Say hi')
            $r.Model | Should -Be 'ai/smollm2'
            $r.Provider | Should -Be 'DockerModelRunner'
            $r.FinishReason | Should -Be 'stop'
            $r.Elapsed | Should -BeOfType ([timespan])
            $r.Elapsed | Should -BeGreaterThan ([timespan]::Zero)
            $r.TimeToFirstToken | Should -BeOfType ([timespan])
            $r.TimeToFirstToken | Should -BeLessOrEqual $r.Elapsed
            $r.Attempts.Count | Should -Be 1
            $r.Attempts[0].Succeeded | Should -BeTrue
            $r.Attempts[0].Provider | Should -Be 'DockerModelRunner'
            $r.History.Role | Should -Be @('user', 'assistant')
            $r.History[1].Content | Should -BeExactly $r.Text
            # Auto took the HTTP API (MODEL_RUNNER_HOST names the runner), which asks the runner for token counts.
            $r.PromptTokens | Should -BeGreaterThan 0
        }
        It 'is the answer text as a string: ToString, "$r" and Set-Content' {
            $r = Invoke-LocalLlm 'file me' -Model ai/smollm2
            $r.ToString() | Should -BeExactly (Answer 'file me')
            "$r" | Should -BeExactly (Answer 'file me')
            $path = Join-Path $TestDrive 'answer.txt'
            Invoke-LocalLlm 'file me' -Model ai/smollm2 | Set-Content -LiteralPath $path -Encoding utf8NoBOM
            [IO.File]::ReadAllText($path) | Should -BeExactly ((Answer 'file me') + [Environment]::NewLine)
        }
        It 'fills PromptTokens and CompletionTokens when the runner reports usage, over either transport' {
            Set-StandInConfig $standIn @{ alwaysSendUsage = $true } | Out-Null
            $cli = Invoke-LocalLlm 'count me' -Model ai/smollm2 -Transport Cli
            $http = Invoke-LocalLlm 'count me' -Model ai/smollm2 -Transport Http
            $cli.Text | Should -BeExactly (Answer 'count me')   # the 'Token usage:' trailer is not in the text
            $cli.PromptTokens | Should -BeGreaterThan 0
            $cli.CompletionTokens | Should -BeGreaterThan 5
            $http.PromptTokens | Should -Be $cli.PromptTokens
            $http.CompletionTokens | Should -Be $cli.CompletionTokens
        }
    }

    Context 'Output: -Stream' {
        It 'writes [string] pieces, the first while the model is still generating' {
            Set-StandInConfig $standIn @{ tokenDelayMs = 200 } | Out-Null
            $seen = [Collections.Generic.List[object]]::new()
            Invoke-LocalLlm 'stream me' -Model ai/smollm2 -Stream | ForEach-Object {
                # At the first piece, ask the runner whether it is still streaming this answer.
                $active = if ($seen.Count -eq 0) { (Get-StandInStats $standIn).activeStreams }
                $seen.Add([pscustomobject]@{ Piece = $_; Active = $active })
            }
            $seen.Count | Should -BeGreaterThan 2
            foreach ($s in $seen) { $s.Piece | Should -BeOfType ([string]) }
            -join $seen.Piece | Should -BeExactly (Answer 'stream me')
            $seen[0].Active | Should -Be 1
            (Get-StandInStats $standIn).completedStreams | Should -Be 1
        }
        It 'streams over HTTP too, and writes no LlmResponse at the end' {
            Set-StandInConfig $standIn @{ tokenDelayMs = 20 } | Out-Null
            $out = @(Invoke-LocalLlm 'stream me' -Model ai/smollm2 -SystemPrompt 'sys' -Stream)
            $out.Count | Should -BeGreaterThan 2
            foreach ($o in $out) { $o | Should -BeOfType ([string]) }
            -join $out | Should -BeExactly (Answer 'stream me' -System 'sys')
        }
    }

    Context 'Output: at an interactive console' -Skip:(-not $IsLinux -or -not (Get-Command script -CommandType Application -ErrorAction SilentlyContinue)) {
        It 'shows the answer as it is generated, once, followed by a summary' {
            Set-StandInConfig $standIn @{ tokenDelayMs = 250 } | Out-Null
            $t = Invoke-InTerminal "Invoke-LocalLlm 'console please' -Model ai/smollm2"
            $t.ExitCode | Should -Be 0
            $answer = Answer 'console please'
            Count-Occurrence $t.Text $answer | Should -Be 1 -Because "the answer must not be printed twice:`n$($t.Text)"
            Count-Occurrence $t.Text 'You said' | Should -Be 1
            # The summary view: who answered, not the text again.
            $t.Text | Should -Match 'DockerModelRunner\s+ai/smollm2\s+\d'
            # About 12 pieces 250 ms apart: the start was on screen well before the end was generated.
            $first = & $t.TimeOf 'You said'
            $last = & $t.TimeOf 'done.'
            ($last - $first).TotalMilliseconds | Should -BeGreaterThan 700
        }
        It 'shows nothing live when the output goes on down the pipeline' {
            $t = Invoke-InTerminal "Invoke-LocalLlm 'piped on' -Model ai/smollm2 | ForEach-Object { '<<' + `$_.Text + '>>' }"
            $t.ExitCode | Should -Be 0
            Count-Occurrence $t.Text 'You said' | Should -Be 1
            $t.Text | Should -Match ([regex]::Escape('<<' + (Answer 'piped on') + '>>'))
        }
        It 'keeps the text already shown when the answer breaks off, then reports the error' {
            Set-StandInConfig $standIn @{ fault = 'crash-mid-stream'; crashAfterPieces = 3; tokenDelayMs = 50 } | Out-Null
            $t = Invoke-InTerminal "Invoke-LocalLlm 'breaks off' -Model ai/smollm2"
            $t.Text | Should -Match ([regex]::Escape('You said: «b'))
            $t.Text | Should -Match 'part-way'
            Count-Occurrence $t.Text 'You said' | Should -Be 1
        }
    }

    Context 'Output: with stdout redirected (a script)' {
        It 'writes nothing but the output objects' {
            $file = Join-Path $TestDrive 'redirected.ps1'
            Set-Content -LiteralPath $file -Encoding utf8NoBOM -Value @"
Import-Module '$ModulePath'
Invoke-LocalLlm 'redirected please' -Model ai/smollm2
"@
            Set-StandInConfig $standIn @{ tokenDelayMs = 10 } | Out-Null
            $out = & $Pwsh -NoLogo -NoProfile -NonInteractive -File $file
            $LASTEXITCODE | Should -Be 0
            ($out -join "`n").Trim() | Should -BeExactly (Answer 'redirected please')
        }
        It 'writes one piece per line with -Stream, and the pieces make the answer' {
            $file = Join-Path $TestDrive 'redirected-stream.ps1'
            Set-Content -LiteralPath $file -Encoding utf8NoBOM -Value @"
Import-Module '$ModulePath'
Invoke-LocalLlm 'stream redirected' -Model ai/smollm2 -Stream -Transport Http
"@
            $out = @(& $Pwsh -NoLogo -NoProfile -NonInteractive -File $file)
            $out.Count | Should -BeGreaterThan 2
            -join $out | Should -BeExactly (Answer 'stream redirected')
        }
    }

    Context 'Pipeline input' {
        It 'sends piped strings once, as context after the prompt' {
            $notes = Join-Path $TestDrive 'notes.txt'
            Set-Content -LiteralPath $notes -Value 'line one', 'line two', 'line three' -Encoding utf8NoBOM
            $r = Get-Content -LiteralPath $notes | Invoke-LocalLlm -Prompt 'Summarize' -Model ai/smollm2
            $requests = @(Get-StandInRequests $standIn)
            $requests.Count | Should -Be 1
            $requests[0].messages.Count | Should -Be 1
            $requests[0].messages[0].content | Should -BeExactly "Summarize`n`nline one`nline two`nline three"
            $r.Text | Should -BeExactly (Answer "Summarize`n`nline one`nline two`nline three")
        }
        It 'sends piped text alone when -Prompt is empty' {
            $r = 'only the context' | Invoke-LocalLlm -Prompt '' -Model ai/smollm2 -Transport Http
            (LastRequest).messages[0].content | Should -BeExactly 'only the context'
            $r.Text | Should -BeExactly (Answer 'only the context')
        }
        It 'takes piped text alone as the prompt, with no -Prompt (issue 10 item 4)' {
            $r = 'Why is the sky blue?' | Invoke-LocalLlm -Model ai/smollm2
            (LastRequest).messages[0].content | Should -BeExactly 'Why is the sky blue?'
            $r.Text | Should -BeExactly (Answer 'Why is the sky blue?')
            $r = 'line one', 'line two' | Invoke-LocalLlm -Model ai/smollm2 -Transport Http
            (LastRequest).messages[0].content | Should -BeExactly "line one`nline two"
        }
        It 'still asks for -Prompt when nothing is piped, and refuses a piped response with no question' {
            $run = Invoke-Captured 'try { Invoke-LocalLlm -Model ai/smollm2 } catch { $_ }'
            "$($run.Output[0].FullyQualifiedErrorId)" | Should -BeLike 'MissingMandatoryParameter,*'
            "$($run.Output[0])" | Should -BeLike '*Prompt*'
            $first = Invoke-LocalLlm 'first' -Model ai/smollm2
            $err = $null
            try { $first | Invoke-LocalLlm } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
            $err.Exception.Message | Should -BeLike '*prompt is empty*'
            @(Get-StandInRequests $standIn).Count | Should -Be 1
        }
        It 'refuses an empty prompt (over the CLI it would answer with its interactive chat)' {
            foreach ($empty in '', '   ') {
                $err = $null
                try { $r = Invoke-LocalLlm $empty -Model ai/smollm2 -TimeoutSec 30 } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*' -Because "prompt '$empty' answered '$r'"
            }
            @(Get-StandInRequests $standIn).Count | Should -Be 0
        }
        It 'continues the conversation of a piped LlmResponse' {
            $first = Invoke-LocalLlm 'first question' -Model ai/smollm2
            $second = $first | Invoke-LocalLlm 'second question' -Model ai/smollm2
            $sent = (LastRequest).messages
            $sent.role | Should -Be @('user', 'assistant', 'user')
            $sent.content | Should -Be @('first question', $first.Text, 'second question')
            $second.Text | Should -BeExactly (Answer 'second question')
            $second.History.Count | Should -Be 4

            $third = $second | Invoke-LocalLlm 'third question' -Model ai/smollm2 -SystemPrompt 'Be brief'
            $sent = (LastRequest).messages
            $sent.role | Should -Be @('system', 'user', 'assistant', 'user', 'assistant', 'user')
            $sent[0].content | Should -Be 'Be brief'
            $third.History.Count | Should -Be 7
        }
    }

    Context 'Reasoning models (issue 10 item 15)' {
        It 'puts the thinking in Reasoning, not in Text nor in the History sent back (<Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            Set-StandInConfig $standIn @{ reasoning = $true } | Out-Null
            $r = Invoke-LocalLlm 'hi' -Model ai/smollm2 -Transport $Transport
            $r.Text | Should -BeExactly (Answer 'hi')
            $r.Reasoning | Should -BeExactly 'Let me think about «hi».'
            $r.History[-1].Content | Should -BeExactly (Answer 'hi')
            $next = $r | Invoke-LocalLlm 'more'
            $sent = (LastRequest).messages
            $sent.content | Should -Be @('hi', (Answer 'hi'), 'more')
            $next.Reasoning | Should -BeExactly 'Let me think about «more».'
        }
        It 'writes only the answer with -Stream; the thinking goes to the information stream, tagged Reasoning' {
            Set-StandInConfig $standIn @{ reasoning = $true } | Out-Null
            $out = Invoke-LocalLlm 'hi' -Model ai/smollm2 -Stream 6>&1
            (@($out | Where-Object { $_ -is [string] }) -join '') | Should -BeExactly (Answer 'hi')
            $thinking = @($out | Where-Object { $_ -is [System.Management.Automation.InformationRecord] })
            ($thinking.MessageData -join '') | Should -BeExactly 'Let me think about «hi».'
            $thinking | ForEach-Object { $_.Tags | Should -Contain 'Reasoning' }
            # Not shown unless asked for.
            @(Invoke-LocalLlm 'hi' -Model ai/smollm2 -Stream 6>$null | Where-Object { $_ -isnot [string] }).Count | Should -Be 0
        }
        It 'gives no Reasoning when the model does not think' {
            (Invoke-LocalLlm 'hi' -Model ai/smollm2).Reasoning | Should -BeNullOrEmpty
        }
    }

    Context 'Transports' {
        It 'takes the HTTP API for a plain prompt when MODEL_RUNNER_HOST names the runner, with no docker process' {
            $saved = $env:PATH
            try {
                $env:PATH = Join-Path $TestDrive 'empty' # no docker at all: a call that needed one would fail
                (Invoke-LocalLlm 'plain' -Model ai/smollm2).Text | Should -BeExactly (Answer 'plain')
            }
            finally { $env:PATH = $saved }
            # The module's HTTP client always asks for usage; the CLI sends only model, messages and stream.
            (LastRequest).PSObject.Properties.Name | Should -Contain 'stream_options'
        }
        It 'finds the endpoint with one docker model status on Docker Engine (no MODEL_RUNNER_HOST), then asks over HTTP' {
            Enable-StandIn $standIn -Engine
            try {
                foreach ($i in 1..3) { (Invoke-LocalLlm "engine $i" -Model ai/smollm2).Text | Should -BeExactly (Answer "engine $i") }
            }
            finally { Enable-StandIn $standIn }
            (Get-StandInStats $standIn).statusRequests | Should -Be 1 -Because 'the endpoint is remembered for the session'
            foreach ($body in Get-StandInRequests $standIn) { $body.PSObject.Properties.Name | Should -Contain 'stream_options' }
            (Get-StandInStats $standIn).chatConnections | Should -Be 1 -Because 'one connection serves the session'
        }
        It 'uses the docker CLI for a plain prompt with -Transport Cli' {
            $null = Invoke-LocalLlm 'plain' -Model ai/smollm2 -Transport Cli
            $body = LastRequest
            $body.PSObject.Properties.Name | Should -Not -Contain 'stream_options'
            $body.messages[0].content | Should -BeExactly 'plain'
        }
        It 'sends -SystemPrompt, -Temperature and -MaxTokens over HTTP, and they reach the runner' {
            $r = Invoke-LocalLlm 'with options' -Model ai/smollm2 -SystemPrompt 'You are terse.' -Temperature 0.3 -MaxTokens 4
            $body = LastRequest
            $body.PSObject.Properties.Name | Should -Contain 'stream_options'
            $body.messages[0].role | Should -Be 'system'
            $body.messages[0].content | Should -BeExactly 'You are terse.'
            $body.temperature | Should -Be 0.3
            $body.max_tokens | Should -Be 4
            $r.FinishReason | Should -Be 'length'
            $r.CompletionTokens | Should -Be 4
        }
        It 'sends the sampling options over HTTP under their OpenAI names, and -Stop ends the answer' {
            $r = Invoke-LocalLlm 'sample me' -Model ai/smollm2 -TopP 0.9 -TopK 40 -Seed 1234567890123 -Stop 'Ünï', 'never' -FrequencyPenalty 0.5 -PresencePenalty -0.25
            $body = LastRequest
            $body.top_p | Should -Be 0.9
            $body.top_k | Should -Be 40
            $body.seed | Should -Be 1234567890123
            $body.stop | Should -Be @('Ünï', 'never')
            $body.frequency_penalty | Should -Be 0.5
            $body.presence_penalty | Should -Be -0.25
            $r.Text | Should -BeExactly 'You said: «sample me». '
            $r.FinishReason | Should -Be 'stop'
        }
        It 'uses HTTP for a plain prompt with -Transport Http' {
            $r = Invoke-LocalLlm 'over http' -Model ai/smollm2 -Transport Http
            $r.Text | Should -BeExactly (Answer 'over http')
            (LastRequest).PSObject.Properties.Name | Should -Contain 'stream_options'
        }
        It 'refuses options the CLI cannot carry with -Transport Cli instead of dropping them' {
            { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli -SystemPrompt 'sys' } | Should -Throw -ErrorId 'InvalidInvocation,*'
            { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli -Temperature 0.5 } | Should -Throw -ErrorId 'InvalidInvocation,*'
            { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli -MaxTokens 5 } | Should -Throw -ErrorId 'InvalidInvocation,*'
            foreach ($option in @{ TopP = 0.5 }, @{ TopK = 5 }, @{ Seed = 7 }, @{ Stop = 'x' }, @{ FrequencyPenalty = 1 }, @{ PresencePenalty = 1 }) {
                { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli @option } | Should -Throw -ErrorId 'InvalidInvocation,*' -ExpectedMessage "*-$($option.Keys)*"
            }
            @(Get-StandInRequests $standIn).Count | Should -Be 0
        }
        It 'says how to enable the HTTP endpoint when a call needs it and there is none' {
            # MODEL_RUNNER_HOST is not set for the module; docker (through a wrapper) reaches a runner whose
            # status reports a socket-relative endpoint, as Docker Desktop does without host TCP.
            $bin = Join-Path $TestDrive 'bin'
            $null = New-Item -ItemType Directory -Path $bin -Force
            $realDocker = (Get-Command docker -CommandType Application)[0].Source
            $wrapper = Join-Path $bin 'docker'
            Set-Content -LiteralPath $wrapper -Encoding utf8NoBOM -Value "#!/bin/sh`nMODEL_RUNNER_HOST='$($standIn.Url)/exp/vDD4.40' exec '$realDocker' `"`$@`"`n"
            chmod +x $wrapper
            $savedPath, $savedHost = $env:PATH, $env:MODEL_RUNNER_HOST
            try {
                $env:PATH = $bin + [IO.Path]::PathSeparator + $env:PATH
                $env:MODEL_RUNNER_HOST = $null
                (Get-LocalModelRunner).EndpointHost | Should -Match '/exp/vDD4\.40/'
                $err = $null
                try { Invoke-LocalLlm 'needs http' -Model ai/smollm2 -SystemPrompt 'sys' } catch { $err = $_ }
                $err | Should -Not -BeNullOrEmpty
                $err.FullyQualifiedErrorId | Should -BeLike 'EndpointRequired,*'
                $err.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
                $err.Exception.Message | Should -BeLike '*docker desktop enable model-runner --tcp 12434*'
                @(Get-StandInRequests $standIn).Count | Should -Be 0
                { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Http } | Should -Throw -ErrorId 'EndpointRequired,*'
                # A plain prompt still works over the CLI.
                (Invoke-LocalLlm 'plain still works' -Model ai/smollm2).Text | Should -BeExactly (Answer 'plain still works')
            }
            finally {
                $env:PATH, $env:MODEL_RUNNER_HOST = $savedPath, $savedHost
            }
        }
        It 'reports a missing docker or docker model plugin' {
            $savedPath, $savedConfig = $env:PATH, $env:DOCKER_CONFIG
            try {
                $env:DOCKER_CONFIG = Join-Path $TestDrive 'no-plugins'
                { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli } | Should -Throw -ErrorId 'PluginMissing,*'
                $env:DOCKER_CONFIG = $savedConfig
                $env:PATH = Join-Path $TestDrive 'empty'
                { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli } | Should -Throw -ErrorId 'DockerNotInstalled,*'
            }
            finally { $env:PATH, $env:DOCKER_CONFIG = $savedPath, $savedConfig }
        }
        It 'reports a stopped runner as RunnerNotRunning on both transports' {
            Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
            { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli } | Should -Throw -ErrorId 'RunnerNotRunning,*'
            { Invoke-LocalLlm 'x' -Model ai/smollm2 } | Should -Throw -ErrorId 'RunnerNotRunning,*'
        }
    }

    Context 'A model that is not installed' {
        It 'is a ModelNotFound error suggesting Install-LocalModel, and nothing is downloaded' {
            # Over HTTP the runner answers 404 for a model it does not have (it never pulls on chat); the CLI would pull,
            # so it is checked first and stopped at its pull notice.
            foreach ($extra in @(@{}, @{ SystemPrompt = 'sys' }, @{ Transport = 'Cli' })) {
                $err = $null
                try { Invoke-LocalLlm 'hi' -Model ai/gemma3 @extra } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
                $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
                $err.Exception.Message | Should -BeLike "*Install-LocalModel ai/gemma3*"
            }
            Start-Sleep -Milliseconds 500
            (Get-StandInStats $standIn).pulls | Should -Be 0
            Get-LocalModel gemma3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        It 'is pulled with a progress bar, then answers, with -AutoPull' {
            Set-StandInConfig $standIn @{ pullStepDelayMs = 30 } | Out-Null
            $r = Invoke-Captured "Invoke-LocalLlm 'after pull' -Model ai/gemma3 -AutoPull"
            $r.Errors | Should -BeNullOrEmpty
            $r.Output.Count | Should -Be 1
            $r.Output[0].Text | Should -BeExactly (Answer 'after pull')
            $processing = @($r.Progress | Where-Object RecordType -EQ 'Processing')
            $processing.Count | Should -BeGreaterThan 2
            $processing[0].Activity | Should -BeLike '*ai/gemma3*'
            ($processing.PercentComplete | Measure-Object -Maximum).Maximum | Should -Be 100
            $r.Progress[-1].RecordType | Should -Be 'Completed'
            (Get-StandInStats $standIn).pulls | Should -Be 1
            (Get-LocalModel gemma3).Name | Should -Be 'ai/gemma3:latest'
        }
        It 'is pulled when the AutoPull setting is on' {
            Set-LlmProviderFallback -AutoPull
            try {
                (Invoke-LocalLlm 'setting' -Model ai/mistral).Text | Should -BeExactly (Answer 'setting')
                (Get-StandInStats $standIn).pulls | Should -Be 1
            }
            finally { Set-LlmProviderFallback -AutoPull:$false }
        }
    }

    Context 'Time-outs and cancellation' {
        It 'a model the runner could not load in time is a Timeout, not RunnerUnreachable (issue 10 item 13, <Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            Set-StandInConfig $standIn @{ fault = 'backend-load-timeout' } | Out-Null
            $err = $null
            try { Invoke-LocalLlm 'hi' -Model ai/smollm2 -Transport $Transport } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'Timeout,*'
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err.Exception.Message | Should -BeLike "*ai/smollm2*did not finish loading*took too long to initialize*"
            $err.Exception.RawError | Should -BeLike '*inference backend took too long to initialize*'
        }
        It '-TimeoutSec ends a hung call with a Timeout error and leaves no docker process' {
            Set-StandInConfig $standIn @{ fault = 'hang' } | Out-Null
            $marker = New-Marker
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $err = $null
            try { Invoke-LocalLlm "hang $marker" -Model ai/smollm2 -Transport Cli -TimeoutSec 2 } catch { $err = $_ }
            $clock.Stop()
            $err.FullyQualifiedErrorId | Should -BeLike 'Timeout,*'
            $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $err.Exception.Message | Should -BeLike '*-TimeoutSec*'
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 20
            Wait-Until { -not (Get-MarkedProcess $marker) } 5 | Should -BeTrue -Because 'docker and the plugin are killed'
            Wait-Until { (Get-StandInStats $standIn).activeStreams -eq 0 } 5 | Should -BeTrue -Because 'the runner sees the client go'
        }
        It '-TimeoutSec in the middle of an answer keeps the pieces written and is a Timeout error with the partial text' {
            # Three pieces, then the runner sends nothing more until the client leaves: only the time limit can end the call.
            Set-StandInConfig $standIn @{ fault = 'stall-mid-stream'; crashAfterPieces = 3 } | Out-Null
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $r = Invoke-Captured "Invoke-LocalLlm 'cut short' -Model ai/smollm2 -Stream -TimeoutSec 2"
            $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
            $pieces = -join $r.Output
            $pieces | Should -BeExactly 'You said: «c'
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'Timeout,*'
            $r.Errors[0].Exception.PartialText | Should -BeExactly $pieces
            Wait-Until { $s = Get-StandInStats $standIn; $s.activeStreams -eq 0 -and $s.abortedStreams -eq 1 } 10 | Should -BeTrue -Because 'the runner sees the client go'
        }
        It '-FirstTokenTimeoutSec ends a call whose first piece is late' {
            # The first piece comes 2 s after the request reaches the runner, so always after the 1 s limit, which counts
            # from the call's start.
            Set-StandInConfig $standIn @{ fault = 'slow'; firstTokenDelayMs = 2000 } | Out-Null
            $marker = New-Marker
            $err = $null
            try { Invoke-LocalLlm "slow $marker" -Model ai/smollm2 -Transport Cli -FirstTokenTimeoutSec 1 } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'Timeout,*'
            $err.Exception.Message | Should -BeLike '*first-piece*'
            Wait-Until { -not (Get-MarkedProcess $marker) } 5 | Should -BeTrue
            # The runner notices the client is gone when it writes the late piece; let it, so the next test starts idle.
            Wait-Until { (Get-StandInStats $standIn).activeStreams -eq 0 } 15 | Should -BeTrue
        }
        It '-TimeoutSec also bounds an automatic pull, and stops the download' {
            Reset-StandIn $standIn -Installed @('ai/smollm2')
            # One progress line, then the download stops moving: only the time limit can end the call. A machine too
            # busy to start docker and reach the runner within the limit gets a longer one (the case is then re-run).
            Set-StandInConfig $standIn @{ fault = 'pull-stall' } | Out-Null
            foreach ($limit in 3, 6, 12) {
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $r = Invoke-Captured "Invoke-LocalLlm 'pull slowly' -Model ai/gemma3 -AutoPull -TimeoutSec $limit"
                $elapsed = $clock.Elapsed.TotalSeconds
                if ((Get-StandInStats $standIn).pulls -gt 0) { break }
            }
            (Get-StandInStats $standIn).pulls | Should -Be 1 -Because 'the pull reached the runner'
            $elapsed | Should -BeGreaterOrEqual ($limit - 0.1)
            $r.Output | Should -BeNullOrEmpty
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'Timeout,*'
            Wait-Until { (Get-StandInStats $standIn).abortedPulls -eq 1 } 10 | Should -BeTrue -Because 'the runner sees the download stop'
            Get-LocalModel gemma3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $r.Progress | Where-Object RecordType -EQ 'Processing' | Should -Not -BeNullOrEmpty
            $r.Progress[-1].RecordType | Should -Be 'Completed'
        }
        It '-FirstTokenTimeoutSec does not limit an answer that has started' {
            # 12 pieces 300 ms apart: the whole answer (about 3.3 s) takes longer than the first-piece limit.
            Set-StandInConfig $standIn @{ tokenDelayMs = 300 } | Out-Null
            $r = Invoke-LocalLlm 'long answer' -Model ai/smollm2 -FirstTokenTimeoutSec 2
            $r.Text | Should -BeExactly (Answer 'long answer')
            $r.Elapsed.TotalSeconds | Should -BeGreaterThan 2
        }
        It '-Stream | Select-Object -First 1 stops at once and leaves no docker process' {
            Set-StandInConfig $standIn @{ tokenDelayMs = 1000 } | Out-Null
            $marker = New-Marker
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $first = @(Invoke-LocalLlm "first only $marker" -Model ai/smollm2 -Transport Cli -Stream | Select-Object -First 1)
            $clock.Stop()
            $first.Count | Should -Be 1
            (Answer "first only $marker").StartsWith($first[0]) | Should -BeTrue
            # The whole answer would take about 20 s.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
            Wait-Until { -not (Get-MarkedProcess $marker) } 5 | Should -BeTrue
            Wait-Until { (Get-StandInStats $standIn).abortedStreams -eq 1 } 5 | Should -BeTrue
            (Get-StandInStats $standIn).completedStreams | Should -Be 0
        }
        It 'stops on Ctrl+C (PowerShell.Stop) within a few seconds and leaves no docker process' -ForEach @(
            @{ Fault = 'hang'; Stream = $false }
            @{ Fault = 'none'; Stream = $true }
        ) {
            Set-StandInConfig $standIn @{ fault = $Fault; tokenDelayMs = 1000 } | Out-Null
            $marker = New-Marker
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$ModulePath'; Invoke-LocalLlm 'stop me $marker' -Model ai/smollm2 -Transport Cli -Stream:`$$Stream")
                $output = [Management.Automation.PSDataCollection[psobject]]::new()
                $null = $ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $output)
                Wait-Until { (Get-StandInStats $standIn).activeStreams -ge 1 } 30 | Should -BeTrue
                if ($Stream) { Wait-Until { $output.Count -ge 1 } 10 | Should -BeTrue }
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $clock.Stop()
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
                Wait-Until { -not (Get-MarkedProcess $marker) } 5 | Should -BeTrue
                Wait-Until { (Get-StandInStats $standIn).activeStreams -eq 0 } 5 | Should -BeTrue
            }
            finally { $ps.Dispose() }
        }
    }

    Context 'Errors mid-stream' {
        It 'keeps the pieces already written, then one StreamInterrupted error with the partial text (<Transport>)' -ForEach @(
            @{ Transport = 'Cli' }
            @{ Transport = 'Http' }
        ) {
            Set-StandInConfig $standIn @{ fault = 'crash-mid-stream'; crashAfterPieces = 3 } | Out-Null
            $r = Invoke-Captured "Invoke-LocalLlm 'crash please' -Model ai/smollm2 -Stream -Transport $Transport"
            $pieces = -join $r.Output
            $pieces | Should -BeExactly 'You said: «c'
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'StreamInterrupted,*'
            $r.Errors[0].CategoryInfo.Category | Should -Be 'ReadError'
            $r.Errors[0].Exception.PartialText | Should -BeExactly $pieces
        }
        It 'writes no LlmResponse for a broken answer; the error carries the partial text' {
            Set-StandInConfig $standIn @{ fault = 'crash-mid-stream'; crashAfterPieces = 3 } | Out-Null
            $r = Invoke-Captured "Invoke-LocalLlm 'crash please' -Model ai/smollm2"
            $r.Output | Should -BeNullOrEmpty
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].Exception.Kind | Should -Be 'StreamInterrupted'
            $r.Errors[0].Exception.PartialText | Should -BeExactly 'You said: «c'
        }
    }

    Context 'Prompts reach the model byte for byte' {
        It 'delivers <Name> unchanged over <Transport>' -ForEach @(
            foreach ($transport in 'Cli', 'Http') {
                @{ Transport = $transport; Name = 'quotes'; Prompt = 'He said "hi" and ''bye'' and “curly”' }
                @{ Transport = $transport; Name = 'newlines and tabs'; Prompt = "line one`nline two`r`nline`tthree" }
                @{ Transport = $transport; Name = 'substitutions'; Prompt = '$(Get-Date) ${env:HOME} $HOME `whoami` $((1+1)) %PATH%' }
                @{ Transport = $transport; Name = 'backticks'; Prompt = 'a `n b `` c `' }
                @{ Transport = $transport; Name = 'a leading dash'; Prompt = '-Model ai/other --help -- -x' }
                @{ Transport = $transport; Name = 'shell metacharacters'; Prompt = 'a; rm -rf / | cat > x && echo $? & \ " '' < >' }
                @{ Transport = $transport; Name = 'non-ASCII'; Prompt = 'naïve café 日本語 🙂 Ünïcödé' }
            }
        ) {
            $r = Invoke-LocalLlm $Prompt -Model ai/smollm2 -Transport $Transport
            (LastRequest).messages[-1].content | Should -BeExactly $Prompt
            $r.Text | Should -BeExactly (Answer $Prompt)
        }
        It 'keeps leading and trailing whitespace over HTTP; the docker CLI trims it' {
            $padded = "  `n padded prompt `t`n "
            $null = Invoke-LocalLlm $padded -Model ai/smollm2 -Transport Http
            (LastRequest).messages[-1].content | Should -BeExactly $padded
            $null = Invoke-LocalLlm $padded -Model ai/smollm2 -Transport Cli
            (LastRequest).messages[-1].content | Should -BeExactly 'padded prompt'
        }
        It 'delivers a prompt too long for a command line unchanged over the CLI' {
            $long = 'start ' + ('ünïcödé "q" $(x) ' * 2500) + 'end'
            $null = Invoke-LocalLlm $long -Model ai/smollm2 -Transport Cli
            (LastRequest).messages[-1].content | Should -BeExactly $long
        }
    }
}
