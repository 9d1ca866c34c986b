# Fault injection (issue 7): under faults, bad input and load the module keeps working, loses nothing, leaves nothing
# running and never passes an error off as an answer. Every Describe is tagged Reliability:
#   dotnet pwsh ./build.ps1 -Task Test -Tag Reliability
# Each case is listed, with what it proves, in docs/guides/testing.md ("Fault-injection suite").

BeforeDiscovery {
    # -ForEach data is evaluated at discovery, before BeforeAll: it has to be built here.
    $script:PromptCases = @(
        @{ Name = 'double and single quotes'; Prompt = 'say "double" and ''single'' and "unbalanced' }
        @{ Name = 'backticks, $() and ${}'; Prompt = 'back`ticks `$env:PATH $(whoami) ${HOME} `id`' }
        @{ Name = 'shell operators ; | && || > < &'; Prompt = 'a; rm -rf / | cat && echo pwned || true > /tmp/x < /etc/passwd & bg' }
        @{ Name = 'newlines, CR LF and tabs'; Prompt = "line one`nline two`r`nline three`tafter a tab`n`nlast" }
        @{ Name = 'a leading dash'; Prompt = '-rf --help -- --color yes' }
        @{ Name = 'only a double dash'; Prompt = '--' }
        @{ Name = 'Windows-style metacharacters'; Prompt = 'percent %PATH% bang !x! caret ^ \\server\share "C:\Program Files\x"' }
        @{ Name = 'non-ASCII: accents, CJK, RTL, emoji with ZWJ'; Prompt = 'Grüße, naïve café, 日本語のテキスト, שלום, مرحبا, 👍🏽 👨‍👩‍👧 𝔘𝔫𝔦' }
        @{ Name = 'ANSI escape codes'; Prompt = "plain `e[31mred`e[0m `e[1mbold`e[22m `e]0;title`a end" }
        @{ Name = '29,999 characters (command line)'; Prompt = ('x' * 29998) + 'é' }
        @{ Name = '30,000 characters (command line, the limit)'; Prompt = ('y' * 29999) + 'z' }
        @{ Name = '30,001 characters (stdin)'; Prompt = ('w' * 30000) + '!' }
        @{ Name = '100 KB of mixed text (stdin)'; Prompt = (('0123456789 «ünï» 日本 🙂 "q" $(x) | ; `n' + "`n") * 2600).Trim() }
    )
    $script:BadModelNames = @(
        @{ Name = 'ai/x;rm -rf /' }
        @{ Name = 'ai/$(id)' }
        @{ Name = 'ai/`id`' }
        @{ Name = 'ai/x|cat' }
        @{ Name = 'ai/x&&echo' }
        @{ Name = 'ai/x>out' }
        @{ Name = "ai/x'y" }
        @{ Name = 'ai/x"y' }
        @{ Name = 'ai/smollm2 --help' }
        @{ Name = '-rf' }
        @{ Name = "ai/smollm2`n" }
        @{ Name = "ai/smollm2`nrm" }
        # Issue 10 item 9: Docker's reference grammar (no empty or '..' part) and no white space anywhere.
        @{ Name = 'ai/' }
        @{ Name = 'ai/../x' }
        @{ Name = ' ai/smollm2' }
        @{ Name = "ai/smollm2`t" }
    )
}

Describe 'Reliability (fault injection)' -Tag Reliability {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn
        $script:Ending = ' Ünïcödé ✓ 日本語 🙂 done.'
        $script:Utf8 = [System.Text.UTF8Encoding]::new($false)

        # What the stand-in answers to a prompt: it echoes it.
        function Get-Echo([string] $Prompt) { "You said: «$Prompt».$Ending" }

        # Runs a script in a fresh runspace of this process, every stream captured (Debug and Verbose switched on).
        function Invoke-AllStreams([string] $Script) {
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$ModulePath'; `$ErrorActionPreference = 'Continue'; $Script")
                $output = $ps.Invoke()
                [pscustomobject]@{
                    Output = @($output); Errors = @($ps.Streams.Error); Verbose = @($ps.Streams.Verbose); Debug = @($ps.Streams.Debug)
                    Warning = @($ps.Streams.Warning); Information = @($ps.Streams.Information)
                }
            }
            finally { $ps.Dispose() }
        }

        # The answer the stand-in builds for answerBytes (AnswerBuilder.Pieces): echo, numbered filler sentences, ending.
        function Get-ExpectedPaddedAnswer([string] $Prompt, [long] $AnswerBytes) {
            $head = "You said: «$Prompt»."
            $size = $Utf8.GetByteCount($head) + $Utf8.GetByteCount($Ending)
            $sb = [System.Text.StringBuilder]::new($head, [int]($AnswerBytes + 1024))
            $have = 0L; $n = 0
            while ($have -lt $AnswerBytes - $size) {
                $n++
                $sentence = " Filler $($n.ToString('D7')): the quick brown fox — ünïcödé 日本 🙂 jumps over the lazy dog."
                $null = $sb.Append($sentence)
                $have += $Utf8.GetByteCount($sentence)
            }
            $sb.Append($Ending).ToString()
        }

        $script:SavedHome = $env:ULTRA_DOCKERMODEL_HOME
    }

    AfterAll {
        [Ultra.DockerModel.Commands.ModuleState]::Cooldown.Reset()
        $env:ULTRA_DOCKERMODEL_HOME = $SavedHome
        Disable-StandIn $standIn
        Stop-StandIn $standIn
    }

    BeforeEach {
        Reset-StandIn $standIn
        [Ultra.DockerModel.Commands.ModuleState]::Cooldown.Reset()
        # A settings folder of its own for every test: no chain unless the test sets one.
        $env:ULTRA_DOCKERMODEL_HOME = Join-Path $TestDrive ('home-' + [guid]::NewGuid().ToString('N'))
    }

    Describe 'Reliability: child processes are never left running' -Tag Reliability {
        It 'kills a hung run at -TimeoutSec and says so with a Timeout error' {
            Set-StandInConfig $standIn @{ fault = 'hang' } | Out-Null
            # The limit counts from the call's start, docker's and the plugin's start included: a machine too busy to
            # reach the runner within it gets a longer limit (the case is re-run), so the hang is always what is cut short.
            foreach ($limit in 2, 4, 8) {
                # How slow a process start is right now: the kill and the clean-up after the limit take a few of them.
                $start = [Diagnostics.Stopwatch]::StartNew(); $null = & docker model version; $startSec = $start.Elapsed.TotalSeconds
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                { Invoke-LocalLlm 'this will hang' -Model ai/smollm2 -Transport Cli -TimeoutSec $limit } | Should -Throw -ErrorId 'Timeout,*'
                $elapsed = $clock.Elapsed.TotalSeconds
                if ((Get-StandInStats $standIn).chatRequests -gt 0) { break }
            }
            (Get-StandInStats $standIn).chatRequests | Should -Be 1 -Because 'the run reached the runner and hung there'
            $elapsed | Should -BeGreaterOrEqual ($limit - 0.1)
            $elapsed | Should -BeLessThan ($limit + 4 + 3 * $startSec) -Because "the run is killed at the limit, not waited for ($limit s limit; a process start took $([math]::Round($startSec, 2)) s)"
            Wait-NoStandInChild | Should -BeNullOrEmpty
        }

        It 'kills a hung run at -TimeoutSec over HTTP too, and the runner sees the connection closed' {
            Set-StandInConfig $standIn @{ fault = 'hang' } | Out-Null
            { Invoke-LocalLlm 'this will hang' -Model ai/smollm2 -Transport Http -TimeoutSec 1 } | Should -Throw -ErrorId 'Timeout,*'
            Wait-Until { $s = Get-StandInStats $standIn; $s.activeStreams -eq 0 -and $s.abortedStreams -eq 1 } 5 | Should -BeTrue
        }

        It 'StopProcessing (Ctrl+C) kills the child at once' {
            Set-StandInConfig $standIn @{ fault = 'hang' } | Out-Null
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$ModulePath'; Invoke-LocalLlm 'stop me' -Model ai/smollm2 -Transport Cli")
                $null = $ps.BeginInvoke()
                Wait-Until { (Get-StandInStats $standIn).chatRequests -ge 1 } 20 | Should -BeTrue
                @(Get-StandInChild).Count | Should -BeGreaterThan 0 -Because 'docker and the plugin are running'
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 3
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
                Wait-NoStandInChild 2 | Should -BeNullOrEmpty
            }
            finally { $ps.Dispose() }
        }

        It 'StopProcessing mid-answer (-Stream) stops at once (<Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            Set-StandInConfig $standIn @{ tokenDelayMs = 100; answerBytes = 100000 } | Out-Null
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$ModulePath'; Invoke-LocalLlm 'stop me mid-answer' -Model ai/smollm2 -Transport $Transport -Stream")
                $in = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $in.Complete()
                $out = [System.Management.Automation.PSDataCollection[psobject]]::new()
                $null = $ps.BeginInvoke($in, $out)
                Wait-Until { $out.Count -ge 3 } 20 | Should -BeTrue
                $clock = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 3
                Wait-NoStandInChild 2 | Should -BeNullOrEmpty
                $clock.Restart()
                Wait-Until { (Get-StandInStats $standIn).abortedStreams -ge 1 } 5 | Should -BeTrue
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 1.5 -Because 'the runner stops generating at once'
                $written = $out.Count
                Start-Sleep -Milliseconds 300
                $out.Count | Should -Be $written -Because 'nothing more is written after the stop'
            }
            finally { $ps.Dispose() }
        }

        It 'Select-Object -First 1 stops the stream and kills the child at once (<Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            Set-StandInConfig $standIn @{ tokenDelayMs = 200; answerBytes = 100000 } | Out-Null
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $first = Invoke-LocalLlm 'first piece only' -Model ai/smollm2 -Transport $Transport -Stream | Select-Object -First 1
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 4
            $first | Should -BeExactly 'You '
            Wait-NoStandInChild 2 | Should -BeNullOrEmpty
            # The runner must stop generating now: over HTTP, a half-read answer used to be drained for 2 s first.
            $clock.Restart()
            Wait-Until { (Get-StandInStats $standIn).activeStreams -eq 0 } 5 | Should -BeTrue
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1.5
        }

        # Every kind of call in each block of 40 (one of them a hang cut short by -TimeoutSec). Each call starts docker
        # and the plugin, so the default run makes 40 calls; the full 200 are tagged FullLoad (build.ps1 -Full, .ci/run).
        BeforeAll {
            function Invoke-MixedCalls([int] $Calls) {
                $failures = 0
                for ($i = 0; $i -lt $Calls; $i++) {
                    switch ($i % 8) {
                        0 { @(Get-LocalModel).Count | Should -Be 2 }
                        1 { (Invoke-LocalLlm "mixed call $i" -Model ai/smollm2 -Transport Cli).Text | Should -BeExactly (Get-Echo "mixed call $i") }
                        2 {
                            $first = Invoke-LocalLlm "mixed call $i" -Model ai/smollm2 -Transport Cli -Stream | Select-Object -First 1
                            $first | Should -Not -BeNullOrEmpty
                            (Get-Echo "mixed call $i").StartsWith($first) | Should -BeTrue
                        }
                        3 { try { Invoke-LocalLlm 'x' -Model ai/gemma3 -Transport Cli } catch { $failures++; $_.FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*' } }
                        4 {
                            Set-StandInConfig $standIn @{ fault = 'oom'; faultCount = 1 } | Out-Null
                            try { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli } catch { $failures++; $_.FullyQualifiedErrorId | Should -BeLike 'OutOfMemory,*' }
                        }
                        5 {
                            Set-StandInConfig $standIn @{ fault = 'crash-mid-stream'; faultCount = 1 } | Out-Null
                            try { Invoke-LocalLlm 'crash in the middle' -Model ai/smollm2 -Transport Cli } catch { $failures++; $_.FullyQualifiedErrorId | Should -BeLike 'StreamInterrupted,*' }
                        }
                        6 {
                            Set-StandInConfig $standIn @{ fault = 'not-running'; faultCount = 1 } | Out-Null
                            try { Get-LocalModel } catch { $failures++; $_.FullyQualifiedErrorId | Should -BeLike 'RunnerNotRunning,*' }
                        }
                        7 {
                            if ($i % 40 -eq 7) {
                                Set-StandInConfig $standIn @{ fault = 'hang'; faultCount = 1 } | Out-Null
                                try { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli -TimeoutSec 1 } catch { $failures++; $_.FullyQualifiedErrorId | Should -BeLike 'Timeout,*' }
                                # On a busy machine the second can end before docker and the plugin have even asked the
                                # runner: the fault is then still armed and would hang the next call, which has no time-out.
                                Set-StandInConfig $standIn @{ fault = 'none' } | Out-Null
                            }
                            else { (Invoke-LocalLlm "mixed call $i" -Model ai/smollm2 -Transport Http).Text | Should -BeExactly (Get-Echo "mixed call $i") }
                        }
                    }
                }
                $failures | Should -Be ($Calls / 8 * 4 + $Calls / 40)
                Wait-NoStandInChild 5 | Should -BeNullOrEmpty
                Wait-Until { (Get-StandInStats $standIn).activeStreams -eq 0 } 5 | Should -BeTrue
            }
        }

        It 'leaves no docker or plugin process after 40 mixed calls (list, run, stream -First 1, failing calls)' {
            Invoke-MixedCalls 40
        }

        It 'leaves no docker or plugin process after 200 mixed calls (full size)' -Tag FullLoad {
            Invoke-MixedCalls 200
        }
    }

    Describe 'Reliability: streams' -Tag Reliability {
        It 'a multi-byte character split across two writes of the CLI comes out whole (splitUtf8Writes)' {
            Set-StandInConfig $standIn @{ splitUtf8Writes = $true } | Out-Null
            # Pieces are 4 code points: every piece below starts a 2-, 3- or 4-byte character somewhere, so each is cut after its first byte.
            $prompt = 'aé日🙂bç語👍cñ本😀dü字🎉 é é 日 日 🙂 🙂'
            $r = Invoke-AllStreams "Invoke-LocalLlm '$prompt' -Model ai/smollm2 -Transport Cli -Verbose"
            $r.Errors | Should -BeNullOrEmpty
            $r.Output[0].Text | Should -BeExactly (Get-Echo $prompt)
            $r.Output[0].Text | Should -Not -Match ([char]0xFFFD)
            ($r.Verbose -join "`n") | Should -Not -Match 'invalid UTF-8'
        }

        It 'the split characters also stream out whole, piece by piece' {
            Set-StandInConfig $standIn @{ splitUtf8Writes = $true; tokenDelayMs = 5 } | Out-Null
            $prompt = 'ü字🎉ñ本😀'
            $pieces = @(Invoke-LocalLlm $prompt -Model ai/smollm2 -Transport Cli -Stream)
            $pieces.Count | Should -BeGreaterThan 3
            -join $pieces | Should -BeExactly (Get-Echo $prompt)
            foreach ($p in $pieces) { $p | Should -Not -Match ([char]0xFFFD) }
        }

        It 'a 10 MB answer arrives complete and correct (<Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            Set-StandInConfig $standIn @{ answerBytes = 10000000 } | Out-Null
            $r = Invoke-LocalLlm 'ten megabytes please' -Model ai/smollm2 -Transport $Transport
            $Utf8.GetByteCount($r.Text) | Should -BeGreaterOrEqual 10000000
            $expected = Get-ExpectedPaddedAnswer 'ten megabytes please' 10000000
            $r.Text.Length | Should -Be $expected.Length
            $r.Text -ceq $expected | Should -BeTrue -Because 'every byte of the 10 MB answer must arrive, in order'
            $r.FinishReason | Should -Be 'stop'
        }

        It 'a 10 MB answer streamed with -Stream joins to the same text' {
            Set-StandInConfig $standIn @{ answerBytes = 10000000 } | Out-Null
            $sb = [System.Text.StringBuilder]::new()
            Invoke-LocalLlm 'ten megabytes please' -Model ai/smollm2 -Stream | ForEach-Object { $null = $sb.Append($_) }
            $sb.ToString() -ceq (Get-ExpectedPaddedAnswer 'ten megabytes please' 10000000) | Should -BeTrue
        }

        It 'an answer with no final newline keeps its last character, and only the CLI''s closing newline is removed' {
            # The model's text ends in "done." with no newline; the CLI adds one. Both transports must give the same text.
            $cli = Invoke-LocalLlm 'no newline at the end' -Model ai/smollm2 -Transport Cli
            $http = Invoke-LocalLlm 'no newline at the end' -Model ai/smollm2 -Transport Http
            $cli.Text | Should -BeExactly (Get-Echo 'no newline at the end')
            $cli.Text | Should -BeExactly $http.Text
            $cli.Text | Should -Not -Match '\n$'
        }

        It 'invalid UTF-8 from the runner is replaced with U+FFFD and reported, not a crash (<Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            Set-StandInConfig $standIn @{ fault = 'invalid-utf8' } | Out-Null
            $r = Invoke-AllStreams "Invoke-LocalLlm 'bad bytes ahead' -Model ai/smollm2 -Transport $Transport -Verbose"
            $r.Errors | Should -BeNullOrEmpty
            $r.Output.Count | Should -Be 1
            $text = $r.Output[0].Text
            $text | Should -Match ([char]0xFFFD)
            $text | Should -BeLike 'You said*'
            $text | Should -BeLike "*$Ending"
            ($r.Verbose -join "`n") | Should -Match 'invalid UTF-8 sequence'
            Wait-NoStandInChild | Should -BeNullOrEmpty
        }

        It 'ANSI codes in the CLI''s error output never reach the error message; the raw text keeps them' {
            Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
            try { Invoke-LocalLlm 'x' -Model ai/smollm2 -Transport Cli } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'RunnerNotRunning,*'
            $e.Exception.Message | Should -Not -Match "`e"
            $e.ToString() | Should -Not -Match "`e"
            $e.Exception.RawError | Should -Match "`e\[1m"
        }

        It 'ANSI codes in a model''s answer are text: both transports deliver them unchanged and alike' {
            $prompt = "plain `e[31mred`e[0m and `e[1mbold`e[22m"
            $cli = Invoke-LocalLlm $prompt -Model ai/smollm2 -Transport Cli
            $http = Invoke-LocalLlm $prompt -Model ai/smollm2 -Transport Http
            $cli.Text | Should -BeExactly (Get-Echo $prompt)
            $http.Text | Should -BeExactly $cli.Text
        }
    }

    Describe 'Reliability: the runner dying mid-stream' -Tag Reliability {
        BeforeEach {
            # A chain whose second provider would answer: a fallback would show up as a second chat request.
            Set-LlmProviderFallback -CooldownSec 0 @(
                @{ Name = 'local'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' }
                @{ Name = 'backup'; Kind = 'OpenAICompatible'; Model = 'ai/llama3.2'; Endpoint = "$($standIn.Url)/engines/v1" }
            )
            Set-StandInConfig $standIn @{ fault = 'crash-mid-stream'; faultCount = 1; crashAfterPieces = 3 } | Out-Null
        }

        It 'keeps the partial text written, ends with one StreamInterrupted error and does not fall back (<Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            $r = Invoke-AllStreams "Invoke-LocalLlm 'crash after three pieces' -Transport $Transport -Stream"
            # Over HTTP each of the runner's three events is a piece; over the CLI a piece is what one read of docker's
            # stdout found, so pieces that arrive together (a busy machine) come out as one.
            if ($Transport -eq 'Http') { $r.Output.Count | Should -Be 3 } else { $r.Output.Count | Should -BeIn 1, 2, 3 }
            $partial = -join $r.Output
            $partial | Should -BeExactly 'You said: «c'
            $r.Errors.Count | Should -Be 1
            $e = $r.Errors[0]
            $e.FullyQualifiedErrorId | Should -BeLike 'StreamInterrupted,*'
            $e.CategoryInfo.Category | Should -Be 'ReadError'
            $e.Exception.PartialText | Should -BeExactly $partial
            $e.Exception.Message | Should -Match 'part-way'
            (Get-StandInStats $standIn).chatRequests | Should -Be 1 -Because 'the backup provider must not be asked once text is out'
            Wait-NoStandInChild | Should -BeNullOrEmpty
        }

        It 'without -Stream writes no answer object, only the error with the partial text' {
            $r = Invoke-AllStreams "Invoke-LocalLlm 'crash after three pieces' -Model ai/smollm2"
            $r.Output | Should -BeNullOrEmpty
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'StreamInterrupted,*'
            $r.Errors[0].Exception.PartialText | Should -BeExactly 'You said: «c'
            (Get-StandInStats $standIn).chatRequests | Should -Be 1
        }
    }

    Describe 'Reliability: errors are never answers' -Tag Reliability {
        It '<Fault> gives a <ErrorId> error and no answer object' -ForEach @(
            @{ Fault = 'oom'; ErrorId = 'OutOfMemory' }
            @{ Fault = 'context-too-long'; ErrorId = 'ContextTooLong' }
            @{ Fault = 'not-running'; ErrorId = 'RunnerNotRunning' }
            @{ Fault = 'http-500'; ErrorId = '*' }
        ) {
            $settings = @{ fault = $Fault }
            if ($Fault -eq 'context-too-long') { $settings.contextSize = 4 }
            Set-StandInConfig $standIn $settings | Out-Null
            $r = Invoke-AllStreams "Invoke-LocalLlm 'an error is not an answer' -Model ai/smollm2 -Transport Cli"
            $r.Output | Should -BeNullOrEmpty
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        }

        It 'a call with no -Model and no chain is an error, not a default model' {
            $before = (Get-StandInStats $standIn).requests
            { Invoke-LocalLlm 'who answers?' } | Should -Throw -ErrorId 'InvalidInvocation,*'
            (Get-StandInStats $standIn).requests | Should -Be ($before + 1) -Because 'only this stats query reached the runner'
        }

        It 'options are never dropped: -MaxTokens reaches the runner and cuts the answer' {
            $r = Invoke-LocalLlm 'count my tokens' -Model ai/smollm2 -MaxTokens 2
            $r.Text | Should -BeExactly 'You said'
            $r.FinishReason | Should -Be 'length'
            @(Get-StandInRequests $standIn)[-1].max_tokens | Should -Be 2
        }
    }

    Describe 'Reliability: prompts and model names' -Tag Reliability {
        It 'a prompt with <Name> reaches the runner byte for byte (<Transport>)' -ForEach @(
            foreach ($case in $PromptCases) { foreach ($t in 'Cli', 'Http') { @{ Name = $case.Name; Prompt = $case.Prompt; Transport = $t } } }
        ) {
            $r = Invoke-LocalLlm $Prompt -Model ai/smollm2 -Transport $Transport
            $requests = @(Get-StandInRequests $standIn)
            $requests.Count | Should -Be 1
            $sent = $requests[0].messages[-1].content
            $sent.Length | Should -Be $Prompt.Length
            $sent -ceq $Prompt | Should -BeTrue -Because 'the runner must receive exactly the prompt'
            $r.Text -ceq (Get-Echo $Prompt) | Should -BeTrue
        }

        It 'sends a prompt over 30,000 characters through stdin, not the command line' {
            Set-StandInConfig $standIn @{ fault = 'hang' } | Out-Null
            $long = ('0123456789' * 10000) + ' end'
            $ps = [powershell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$ModulePath'; Invoke-LocalLlm ('0123456789' * 10000 + ' end') -Model ai/smollm2 -Transport Cli")
                $null = $ps.BeginInvoke()
                Wait-Until { (Get-StandInStats $standIn).chatRequests -ge 1 } 20 | Should -BeTrue
                $docker = @(Get-StandInChild | Where-Object CommandLine -Match '^docker ')
                $docker.Count | Should -Be 1
                $docker[0].CommandLine.Length | Should -BeLessThan 200
                $docker[0].CommandLine | Should -Not -Match '0123456789'
                (@(Get-StandInRequests $standIn)[0].messages[-1].content) -ceq $long | Should -BeTrue
                $ps.Stop()
            }
            finally { $ps.Dispose() }
            Wait-NoStandInChild | Should -BeNullOrEmpty
        }

        It 'never hands the session''s own stdin to docker: a session whose stdin is a pipe left open still gets its answers' {
            # The plugin reads a piped stdin to its end before it asks (as the real one does): a docker child that
            # inherited this pipe would wait for ever. The child pwsh's stdin stays open until the end of the test.
            $psi = [System.Diagnostics.ProcessStartInfo]::new($Pwsh)
            foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModulePath'; (Invoke-LocalLlm 'held stdin' -Model ai/smollm2 -Transport Cli).Text; (Get-LocalModel).Count") {
                $psi.ArgumentList.Add($a)
            }
            $psi.RedirectStandardInput = $true
            $psi.RedirectStandardOutput = $true
            $psi.UseShellExecute = $false
            $child = [System.Diagnostics.Process]::Start($psi)
            try {
                $output = $child.StandardOutput.ReadToEndAsync()
                $child.WaitForExit(60000) | Should -BeTrue -Because 'a docker child that inherited the open stdin would still be reading it'
                $output.Result -split '\r?\n' | Where-Object { $_ } | Should -Be @((Get-Echo 'held stdin'), '2')
            }
            finally {
                if (-not $child.HasExited) { $child.Kill($true) }
                $child.StandardInput.Close()
                $child.Dispose()
            }
        }

        It 'a prompt naming an existing file with @ is sent as typed, not replaced by the file (<Transport>)' -ForEach @(@{ Transport = 'Auto' }, @{ Transport = 'Http' }) {
            $secret = Join-Path $TestDrive 'secret.txt'
            Set-Content -LiteralPath $secret -Value 'TOP-SECRET-CONTENT' -NoNewline
            $prompt = "please summarise @$secret and stop"
            $r = Invoke-LocalLlm $prompt -Model ai/smollm2 -Transport $Transport
            $sent = @(Get-StandInRequests $standIn)[0].messages[-1].content
            $sent | Should -BeExactly $prompt
            $r.Text | Should -Not -Match 'TOP-SECRET-CONTENT'
        }

        It 'an empty prompt is refused on every transport, never answered by the CLI''s interactive "> " (<Transport>)' -ForEach @(@{ Transport = 'Auto' }, @{ Transport = 'Http' }, @{ Transport = 'Cli' }) {
            { Invoke-LocalLlm '' -Model ai/smollm2 -Transport $Transport } | Should -Throw -ErrorId 'InvalidInvocation,*'
            @(Get-StandInRequests $standIn).Count | Should -Be 0
        }

        It 'refuses the model name <Name> before any process starts' -ForEach $BadModelNames {
            $before = (Get-StandInStats $standIn).requests
            { Invoke-LocalLlm 'hi' -Model $Name } | Should -Throw -ErrorId 'InvalidModelName,*'
            { Invoke-LocalLlm 'hi' -Model $Name -Transport Http } | Should -Throw -ErrorId 'InvalidModelName,*'
            Install-LocalModel $Name -ErrorVariable e1 -ErrorAction SilentlyContinue
            $e1[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModelName,*'
            Remove-LocalModel $Name -Confirm:$false -ErrorVariable e2 -ErrorAction SilentlyContinue
            $e2[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModelName,*'
            Get-LocalModel $Name -ErrorVariable e3 -ErrorAction SilentlyContinue
            $e3[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModelName,*'
            { Test-LocalModelRunner -Model $Name } | Should -Throw -ErrorId 'InvalidModelName,*'
            { New-LlmProvider local DockerModelRunner $Name } | Should -Throw -ErrorId 'SettingsInvalid,*'
            # Every process start would query the runner (the plugin reads /_standin/config): only this stats query did.
            (Get-StandInStats $standIn).requests | Should -Be ($before + 1)
            Wait-NoStandInChild 0 | Should -BeNullOrEmpty
        }

        It 'refuses a bad -Model given with -Provider for a Docker Model Runner entry before any request' {
            Set-LlmProviderFallback @(@{ Name = 'viaHttp'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2'; Transport = 'Http' })
            $before = (Get-StandInStats $standIn).requests
            { Invoke-LocalLlm 'hi' -Provider viaHttp -Model 'ai/x;rm -rf /' } | Should -Throw -ErrorId 'InvalidModelName,*'
            (Get-StandInStats $standIn).requests | Should -Be ($before + 1)
        }
    }

    Describe 'Reliability: environment' -Tag Reliability {
        It 'docker missing from PATH is DockerNotInstalled' {
            $saved = $env:PATH
            $env:PATH = Join-Path $TestDrive 'empty'
            try {
                { Invoke-LocalLlm 'hi' -Model ai/smollm2 -Transport Cli } | Should -Throw -ErrorId 'DockerNotInstalled,*'
                { Get-LocalModel } | Should -Throw -ErrorId 'DockerNotInstalled,*'
                (Get-LocalModelRunner).DockerInstalled | Should -BeFalse
            }
            finally { $env:PATH = $saved }
        }

        It 'a missing plugin is PluginMissing' {
            $saved = $env:DOCKER_CONFIG
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'no-plugins'
            try {
                { Invoke-LocalLlm 'hi' -Model ai/smollm2 -Transport Cli } | Should -Throw -ErrorId 'PluginMissing,*'
                { Install-LocalModel ai/gemma3 -Source DockerModelRunner } | Should -Throw -ErrorId 'PluginMissing,*'
                # Auto turns to the registry when there is no runner; a closed port keeps this test off the network.
                $closed = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $closed.Start(); $port = $closed.LocalEndpoint.Port; $closed.Stop()
                { Install-LocalModel "127.0.0.1:$port/ai/gemma3" } | Should -Throw '*Docker Model Runner is not available here (the docker model plugin is not installed)*'
            }
            finally { $env:DOCKER_CONFIG = $saved }
        }

        It 'a stopped runner is RunnerNotRunning (<Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
            { Invoke-LocalLlm 'hi' -Model ai/smollm2 -Transport $Transport } | Should -Throw -ErrorId 'RunnerNotRunning,*'
        }

        It 'an unreachable runner is RunnerUnreachable (<Transport>)' -ForEach @(@{ Transport = 'Cli' }, @{ Transport = 'Http' }) {
            $saved = $env:MODEL_RUNNER_HOST
            $env:MODEL_RUNNER_HOST = 'http://127.0.0.1:9'
            try { { Invoke-LocalLlm 'hi' -Model ai/smollm2 -Transport $Transport } | Should -Throw -ErrorId 'RunnerUnreachable,*' }
            finally { $env:MODEL_RUNNER_HOST = $saved }
        }

        It 'an older CLI that rejects --color answers correctly (retried without it)' {
            Set-StandInConfig $standIn @{ cliVersion = 'legacy' } | Out-Null
            (Invoke-LocalLlm 'old cli' -Model ai/smollm2 -Transport Cli).Text | Should -BeExactly (Get-Echo 'old cli')
            (Invoke-LocalLlm 'old cli again' -Model ai/smollm2 -Transport Cli).Text | Should -BeExactly (Get-Echo 'old cli again')
            (Get-LocalModel).Name | Should -Be @('ai/smollm2:latest', 'ai/llama3.2:latest')
            (Get-LocalModelRunner).IsRunning | Should -BeTrue
        }

        # Issue 10 item 16. The preamble comes once, before the first command that finds no runner container (the
        # stand-in turns its switch off once printed); every command below meets it, re-armed, in a fresh session (a
        # child pwsh), where the module has not yet seen the runner installed.
        It 'the runner auto-install preamble (<Form>) is skipped: <Steps> are correct' -ForEach @(
            @{ Form = 'online'; Settings = @{}; Steps = 'list, status, answer, stream, install, remove' }
            @{ Form = 'offline'; Settings = @{ autoInstallOffline = $true }; Steps = 'list, answer, remove' }
            @{ Form = 'model-cli v0.1.42'; Settings = @{ cliVersion = 'legacy' }; Steps = 'list, answer, remove' }
        ) {
            $child = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:UDM_MODULE; Import-Module $env:UDM_STANDIN
$s = [pscustomobject]@{ Url = $env:MODEL_RUNNER_HOST }
$settings = $env:UDM_SETTINGS | ConvertFrom-Json -AsHashtable
$steps = $env:UDM_STEPS -split ', '
function Step([string] $Name, [scriptblock] $Command) {
    if ($Name -notin $steps) { return }
    Set-StandInConfig $s ($settings + @{ autoInstallNoise = $true }) | Out-Null
    $out = & $Command
    if ((Get-StandInConfig $s).autoInstallNoise) { throw "$Name did not meet the preamble" }
    "$Name=$($out -join '|')"
}
Step list { (Get-LocalModel).Name }
Step status { (Get-LocalModelRunner).IsRunning }
Step answer { (Invoke-LocalLlm 'quiet please' -Model ai/smollm2 -Transport Cli).Text }
Step stream { -join @(Invoke-LocalLlm 'quiet stream' -Model ai/llama3.2 -Transport Cli -Stream) }
Step install { (Install-LocalModel ai/gemma3 -PassThru).Name }
Step remove { Remove-LocalModel ai/llama3.2 -Confirm:$false -Verbose 4>&1 | ForEach-Object { "$_" } | Where-Object { $_ -match '^(Untagged|Deleted):' } }
'@
            $env:UDM_MODULE = $ModulePath
            $env:UDM_STANDIN = Join-Path $RepoRoot 'tests/ModelRunnerStandIn/StandIn.psm1'
            $env:UDM_SETTINGS = $Settings | ConvertTo-Json -Compress
            $env:UDM_STEPS = $Steps
            $lines = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $child 2>&1 | ForEach-Object { "$_" }
            $LASTEXITCODE | Should -Be 0 -Because ($lines -join "`n")
            $expected = [ordered]@{
                list    = 'list=ai/smollm2:latest|ai/llama3.2:latest'
                status  = 'status=True'
                answer  = "answer=$(Get-Echo 'quiet please')"
                stream  = "stream=$(Get-Echo 'quiet stream')"
                install = 'install=ai/gemma3:latest'
                remove  = 'remove=Untagged: ai/llama3.2:latest|Deleted: sha256:436bb282b41968a83638482999980267ca8d7e8b5574604460efa9efff11cf59'
            }
            $lines | Should -Be @($expected.Keys | Where-Object { $_ -in ($Steps -split ', ') } | ForEach-Object { $expected[$_] })
        }
    }

    Describe 'Reliability: settings' -Tag Reliability {
        It 'a corrupt settings file is a clear SettingsInvalid error and is left untouched' {
            $null = New-Item -ItemType Directory -Path $env:ULTRA_DOCKERMODEL_HOME
            $file = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json'
            $broken = '{ "providers": [ { "name": "half-written'
            [System.IO.File]::WriteAllText($file, $broken)
            $stamp = (Get-Item $file).LastWriteTimeUtc
            # Set- and Clear- replace such a file (keeping it aside: issue 10 item 18; Fallback.Tests.ps1 covers them).
            foreach ($command in { Get-LlmProviderFallback }, { Invoke-LocalLlm 'hi' }) {
                try { & $command; throw 'no error' } catch { $e = $_ }
                $e.FullyQualifiedErrorId | Should -BeLike 'SettingsInvalid,*'
                $e.CategoryInfo.Category | Should -Be 'InvalidData'
                $e.Exception.Message | Should -Match ([regex]::Escape($file))
            }
            # A call that needs no chain runs, with a warning (issue 10 item 18).
            Invoke-LocalLlm 'hi' -Model ai/smollm2 -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty
            [System.IO.File]::ReadAllText($file) | Should -BeExactly $broken
            (Get-Item $file).LastWriteTimeUtc | Should -Be $stamp
            Get-ChildItem $env:ULTRA_DOCKERMODEL_HOME -Filter *.tmp | Should -BeNullOrEmpty
        }

        It 'a settings folder that cannot be created is a clear error (a path under a file: root ignores chmod)' {
            $file = Join-Path $TestDrive 'a-file'
            Set-Content -LiteralPath $file -Value 'not a folder'
            $env:ULTRA_DOCKERMODEL_HOME = Join-Path $file 'settings'
            { Set-LlmProviderFallback @(@{ Name = 'a'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' }) } | Should -Throw -ErrorId 'SettingsInvalid,*'
            try { Set-LlmProviderFallback @(@{ Name = 'a'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' }) } catch { $e = $_ }
            $e.Exception.Message | Should -Match 'could not be written'
            Get-LlmProviderFallback | Should -BeNullOrEmpty
            Get-Content -LiteralPath $file | Should -Be 'not a folder'
        }

        It 'a read-only (immutable) settings folder is a clear error and the file stays as it was' {
            $chattr = Get-Command chattr -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            if (-not $chattr) { Set-ItResult -Skipped -Because 'chattr is not available (as root, chmod does not stop writes)'; return }
            Set-LlmProviderFallback @(@{ Name = 'before'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' })
            $file = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json'
            $text = [System.IO.File]::ReadAllText($file)
            & $chattr.Source +i $env:ULTRA_DOCKERMODEL_HOME 2>$null
            if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because 'this file system does not support chattr +i'; return }
            try {
                { Set-LlmProviderFallback @(@{ Name = 'after'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' }) } | Should -Throw -ErrorId 'SettingsInvalid,*'
                { Clear-LlmProviderFallback -Confirm:$false } | Should -Throw -ErrorId 'SettingsInvalid,*'
                [System.IO.File]::ReadAllText($file) | Should -BeExactly $text
                (Get-LlmProviderFallback).Name | Should -Be 'before'
            }
            finally { & $chattr.Source -i $env:ULTRA_DOCKERMODEL_HOME }
            Get-ChildItem $env:ULTRA_DOCKERMODEL_HOME -Filter *.tmp | Should -BeNullOrEmpty
        }

        It 'two processes writing at once: the file is always whole, valid JSON, one of the written chains; no *.tmp left' {
            $null = New-Item -ItemType Directory -Path $env:ULTRA_DOCKERMODEL_HOME
            $file = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json'
            $writer = {
                param($ModulePath, $Writer)
                Import-Module $ModulePath
                for ($i = 0; $i -lt 50; $i++) {
                    Set-LlmProviderFallback @(
                        @{ Name = "w$Writer-$i-a"; Kind = 'DockerModelRunner'; Model = 'ai/smollm2' }
                        @{ Name = "w$Writer-$i-b"; Kind = 'OpenAICompatible'; Model = "m$i"; Endpoint = "http://127.0.0.1:$(1000 + $i)/v1" }
                    )
                }
            }
            $pwsh = Join-Path $PSHOME 'pwsh'
            $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes(
                    "& { $writer } -ModulePath '$ModulePath' -Writer `$env:UDM_WRITER"))
            $children = foreach ($w in 1, 2) {
                $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
                foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded) { $psi.ArgumentList.Add($a) }
                $psi.Environment['UDM_WRITER'] = "$w"
                $psi.Environment['ULTRA_DOCKERMODEL_HOME'] = $env:ULTRA_DOCKERMODEL_HOME
                $psi.RedirectStandardError = $true
                $psi.UseShellExecute = $false
                [System.Diagnostics.Process]::Start($psi)
            }
            $reads = 0
            try {
                while (@($children | Where-Object { -not $_.HasExited }).Count -gt 0) {
                    if (Test-Path -LiteralPath $file) {
                        $json = [System.IO.File]::ReadAllText($file) | ConvertFrom-Json
                        $names = @($json.providers.name)
                        $names.Count | Should -Be 2
                        $names[0] | Should -Match '^w[12]-\d+-a$'
                        $names[1] | Should -Be ($names[0] -replace 'a$', 'b')
                        $reads++
                    }
                    Start-Sleep -Milliseconds 5
                }
            }
            finally {
                foreach ($c in $children) { if (-not $c.WaitForExit(60000)) { $c.Kill($true) } }
            }
            foreach ($c in $children) {
                $c.ExitCode | Should -Be 0 -Because $c.StandardError.ReadToEnd()
            }
            $reads | Should -BeGreaterThan 0
            $final = @((Get-LlmProviderFallback).Name)
            $final[0] | Should -BeIn @('w1-49-a', 'w2-49-a')
            $final[1] | Should -Be ($final[0] -replace 'a$', 'b')
            Get-ChildItem $env:ULTRA_DOCKERMODEL_HOME -Filter *.tmp | Should -BeNullOrEmpty
        }
    }

    Describe 'Reliability: secrets' -Tag Reliability {
        BeforeAll {
            $script:key = 'sk-reliability-' + [guid]::NewGuid().ToString('N')
            $env:UDM_RELIABILITY_KEY = $key
        }
        AfterAll { Remove-Item Env:UDM_RELIABILITY_KEY -ErrorAction SilentlyContinue }

        It 'an API key from the environment never appears in settings, -Verbose/-Debug output, error records or Get-LlmProviderFallback' {
            Set-StandInConfig $standIn @{ fault = 'http-401' } | Out-Null
            $r = Invoke-AllStreams (@(
                    "Set-LlmProviderFallback -Verbose -Debug -CooldownSec 0 @(@{ Name = 'cloud'; Kind = 'OpenAICompatible'; Model = 'ai/smollm2'; Endpoint = '$($standIn.Url)/engines/v1'; ApiKeyEnvironmentVariable = 'UDM_RELIABILITY_KEY' })"
                    "Invoke-LocalLlm 'who am I?' -Provider cloud -Verbose -Debug"
                    'Get-LlmProviderFallback -Verbose -Debug | Format-List * -Force | Out-String'
                    'Get-LlmProviderFallback | ConvertTo-Json -Depth 5'
                ) -join "`n")
            $r.Errors.Count | Should -Be 1
            $e = $r.Errors[0]
            $e.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
            (Get-StandInStats $standIn).chatRequests | Should -Be 1 -Because 'the key was sent to the provider'
            $everything = @(
                [System.IO.File]::ReadAllText((Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json'))
                $r.Output | Out-String
                $r.Verbose | ForEach-Object Message
                $r.Debug | ForEach-Object Message
                $r.Warning | ForEach-Object Message
                $r.Information | Out-String
                $e.ToString()
                $e | Format-List * -Force | Out-String
                $e.Exception | Format-List * -Force | Out-String
                $e.Exception.ToString()
                $e.Exception.RawError
                $e.ErrorDetails
                $e.TargetObject | Out-String
            ) -join "`n"
            $everything | Should -Match 'UDM_RELIABILITY_KEY' -Because 'the variable name may be shown'
            $everything | Should -Not -Match ([regex]::Escape($key))
        }

        It 'a key typed where the variable name belongs is refused and not written anywhere' {
            try { Set-LlmProviderFallback @(@{ Name = 'cloud'; Kind = 'OpenAICompatible'; Model = 'gpt-test'; Endpoint = 'http://127.0.0.1:9/v1'; ApiKeyEnvironmentVariable = $key }) } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'SettingsInvalid,*'
            $e.Exception.Message | Should -Not -Match ([regex]::Escape($key))
            Test-Path (Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json') | Should -BeFalse
        }
    }
}
