# Measure-LocalModel against the stand-in runner: load time after an unload, first token, tokens/s, totals,
# Markdown and CSV output, progress, errors and Ctrl+C.
Describe 'Measure-LocalModel against the stand-in' {
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

    It 'measures the load after an unload, the first token, tokens per second and the total' {
        Invoke-LocalLlm 'warm it up' -Model smollm2 | Out-Null # loaded now: the measurement must unload it first
        Set-StandInConfig $standIn @{ loadDelayMs = 400; tokenDelayMs = 5 } | Out-Null
        $m = Measure-LocalModel smollm2 -Repeat 3 -Transport Http
        $m | Should -BeOfType ([Ultra.DockerModel.ModelMeasurement])
        $m.Model | Should -Be 'ai/smollm2:latest'
        $m.Provider | Should -Be 'DockerModelRunner'
        $m.Runs | Should -Be 3
        $m.Failures | Should -Be 0
        $m.LoadMs | Should -BeGreaterOrEqual 350 -Because 'the runner takes 400 ms to load the model again after the unload'
        $m.ColdFirstTokenMs | Should -BeGreaterThan $m.FirstTokenMs
        $m.FirstTokenMs | Should -BeLessThan 350 -Because 'later calls find the model loaded'
        $m.CompletionTokens | Should -Be 18 -Because 'the stand-in answers in 18 pieces of one token each'
        $m.TokensPerSecond | Should -BeGreaterThan 0
        $m.TotalMs | Should -BeGreaterThan $m.FirstTokenMs
        $m.PeakMemoryBytes | Should -BeNullOrEmpty -Because 'Docker Model Runner reports no memory'
        @(Get-StandInRequests $standIn).Count | Should -Be 5 -Because 'warm-up, the cold call and 3 runs'
    }
    It 'leaves tokens per second empty over the CLI, which reports no token counts' {
        $m = Measure-LocalModel smollm2 -Repeat 1 -Transport Cli
        $m.TokensPerSecond | Should -BeNullOrEmpty
        $m.TotalMs | Should -BeGreaterThan 0
    }
    It 'measures each model matched by a wildcard, with a progress bar across them' {
        $r = Invoke-Captured "Measure-LocalModel 'ai/*' -Repeat 1 -Transport Http"
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output.Model | Sort-Object) | Should -Be @('ai/llama3.2:latest', 'ai/smollm2:latest')
        $steps = @($r.Progress | Where-Object RecordType -EQ 'Processing')
        $steps.Count | Should -Be 4 -Because 'a cold call and a run for each of two models'
        $steps[0].StatusDescription | Should -BeLike '*first call (load)*'
        ($steps.PercentComplete | Sort-Object -Unique) | Should -Be @(0, 25, 50, 75)
        $r.Progress[-1].RecordType | Should -Be 'Completed'
    }
    It 'writes one Markdown table with -AsMarkdown, and exports flat numbers with ConvertTo-Csv' {
        $md = @(Measure-LocalModel smollm2, ai/llama3.2 -Repeat 1 -Transport Http -AsMarkdown)
        $md.Count | Should -Be 1
        $lines = $md[0].TrimEnd("`n") -split "`n"
        $lines[0] | Should -Be '| Model | Provider | Load (ms) | First token (ms) | Tokens/s | Total (ms) | Peak memory | Runs |'
        $lines.Count | Should -Be 4
        $lines[2] | Should -Match '^\| ai/smollm2:latest \| DockerModelRunner \| \d+ \| \d+ ± \d+ \| [\d.]+ ± [\d.]+ \| \d+ ± \d+ \| n/a \| 1 \|$'
        $csv = Measure-LocalModel smollm2 -Repeat 2 -Transport Http | ConvertTo-Csv | ConvertFrom-Csv
        [double]$csv.TotalMs | Should -BeGreaterThan 0
        $csv.Runs | Should -Be '2'
    }
    It 'fits an 80-column console' {
        $m = Measure-LocalModel smollm2 -Repeat 1 -Transport Http
        $lines = ($m | Format-Table | Out-String -Width 80) -split "`n"
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $lines -join "`n" | Should -Match 'ai/smollm2:latest\s+Runner\s+\d+\s+\d+ ± \d+'
    }
    It 'measures a saved OpenAI-compatible provider, whose memory it cannot unload' {
        Set-LlmProviderFallback -Provider @{ Name = 'remote'; Kind = 'OpenAICompatible'; Model = 'x'; Endpoint = "$($standIn.Url)/engines/v1" }
        try {
            $m = Measure-LocalModel ai/smollm2 -Provider remote -Repeat 1
            $m.Provider | Should -Be 'remote'
            $m.Model | Should -Be 'ai/smollm2'
            $m.LoadMs | Should -BeNullOrEmpty -Because 'a remote endpoint cannot be told to unload'
            $m.TokensPerSecond | Should -BeGreaterThan 0
        }
        finally { Clear-LlmProviderFallback -Confirm:$false }
    }
    It 'an unknown -Provider stops before any call; a model that is not installed is an error and the next model is measured' {
        { Measure-LocalModel smollm2 -Provider nope } | Should -Throw -ErrorId 'InvalidInvocation,*'
        @(Get-StandInRequests $standIn).Count | Should -Be 0
        $m = Measure-LocalModel ai/qwen2.5, smollm2 -Repeat 1 -Transport Http -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
        $m.Model | Should -Be 'ai/smollm2:latest'
    }
    It 'Ctrl+C stops at once, mid-run, and leaves no docker process or stream behind' {
        Set-StandInConfig $standIn @{ tokenDelayMs = 100; answerBytes = 20000 } | Out-Null
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModulePath'; Measure-LocalModel ai/smollm2 -Repeat 50 -Transport Http")
            $null = $ps.BeginInvoke()
            Wait-Until { (Get-StandInStats $standIn).activeStreams -ge 1 } 20 | Should -BeTrue
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 3
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Wait-Until { (Get-StandInStats $standIn).activeStreams -eq 0 } 5 | Should -BeTrue -Because 'the runner stops generating when the call is cancelled'
            $calls = (Get-StandInStats $standIn).chatRequests
            Start-Sleep -Milliseconds 300
            (Get-StandInStats $standIn).chatRequests | Should -Be $calls -Because 'no run starts after the stop'
        }
        finally { $ps.Dispose() }
    }
}
