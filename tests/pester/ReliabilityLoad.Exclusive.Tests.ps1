# Load (fault-injection case 8 in docs/guides/testing.md): 16 callers at once, each making its calls one after another,
# every answer complete and its own. CPU-heavy, so the file is *.Exclusive.Tests.ps1: the runner starts it alone, after
# the other files, and its timing cannot disturb theirs.
# Over the CLI every call is two process starts (docker, then the plugin), so the default run makes 8 calls per caller
# (128); the full size, 100 per caller (1,600; 2-5 minutes on 2 cores), is tagged FullLoad: `./build.ps1 -Task Test -Full`
# (and .ci/run) include it.
Describe 'Reliability: load' -Tag Reliability {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn

        function Invoke-LoadCase([string] $Transport, [int] $Calls) {
            $modulePath = $ModulePath
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $results = 1..16 | ForEach-Object -ThrottleLimit 16 -Parallel {
                Import-Module $using:modulePath
                $worker = $_
                for ($i = 0; $i -lt $using:Calls; $i++) {
                    $prompt = "worker $worker call $i $([guid]::NewGuid()) «ünï» 日本 🙂"
                    try { $text = (Invoke-LocalLlm $prompt -Model ai/smollm2 -Transport $using:Transport).Text }
                    catch { $text = "ERROR: $_" }
                    [pscustomobject]@{ Prompt = $prompt; Text = $text }
                }
            }
            Write-Host "  load ($Transport): $($results.Count) calls in $([int]$clock.Elapsed.TotalSeconds) s"
            $total = 16 * $Calls
            $results.Count | Should -Be $total
            # The stand-in echoes the prompt.
            $wrong = @($results | Where-Object { $_.Text -cne "You said: «$($_.Prompt)». Ünïcödé ✓ 日本語 🙂 done." })
            $wrong.Count | Should -Be 0 -Because "every answer must be complete and its own; first wrong: $($wrong | Select-Object -First 1 | Out-String)"
            @($results.Prompt | Sort-Object -Unique).Count | Should -Be $total
            (Get-StandInStats $standIn).completedStreams | Should -Be $total
            Wait-NoStandInChild 5 | Should -BeNullOrEmpty
        }
    }
    AfterAll {
        Stop-StandIn $standIn
    }
    BeforeEach { Reset-StandIn $standIn }

    It '16 concurrent callers x <Calls> calls each (<Transport>): every answer complete and its own' -ForEach @(
        @{ Transport = 'Cli'; Calls = 8 }
        @{ Transport = 'Http'; Calls = 100 }
    ) {
        Invoke-LoadCase $Transport $Calls
    }

    It '16 concurrent callers x 100 calls each (Cli, full size): every answer complete and its own' -Tag FullLoad {
        Invoke-LoadCase Cli 100
    }
}
