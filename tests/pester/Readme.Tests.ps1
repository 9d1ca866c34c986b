# Issue 10 item 21: README.md's session block runs as written against the stand-in runner. The block is read from
# README.md itself, so the README keeps saying what the module does: every command runs without an error, in a folder
# laid out as the README assumes (./out/Ultra.DockerModel, notes.txt, invoices/*.txt), and the output shown under a command (table
# headers, the first cell of each line) is what it prints. Commands that need a real runner (Get-LocalModelRunner)
# run against the stand-in too.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:standIn = Start-StandIn
    Enable-StandIn $standIn
    Reset-StandIn $standIn -Installed @()

    # "PS> " starts a command, ">> " continues it, any other line up to the next command is its output.
    $readme = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'README.md')
    $block = [regex]::Match($readme, '(?s)## A session\s+```powershell\r?\n(.*?)```').Groups[1].Value
    $script:Steps = [System.Collections.Generic.List[object]]::new()
    foreach ($line in $block -split '\r?\n') {
        if ($line.StartsWith('PS> ')) { $Steps.Add([pscustomobject]@{ Command = $line.Substring(4); Shown = [System.Collections.Generic.List[string]]::new(); Printed = @() }) }
        elseif ($line.StartsWith('>> ') -and $Steps.Count) { $Steps[-1].Command += "`n" + $line.Substring(3) }
        elseif ($line.Trim() -and $Steps.Count) { $Steps[-1].Shown.Add($line) }
    }

    # The folder the session runs in, laid out as the repository it is typed in: the built module where the README
    # imports it from, docs/ (which it reads), and the notes it summarizes; files it writes stay out of the checkout.
    $session = Join-Path $TestDrive 'session'
    $null = New-Item -ItemType Directory -Path (Join-Path $session 'out')
    Copy-Item -Recurse -LiteralPath (Split-Path $ModulePath) -Destination (Join-Path $session 'out/Ultra.DockerModel')
    Copy-Item -Recurse -LiteralPath (Join-Path $RepoRoot 'docs') -Destination (Join-Path $session 'docs')
    Set-Content -LiteralPath (Join-Path $session 'notes.txt') -Value 'The Rhine, the Danube and the Volga are rivers.'
    $null = New-Item -ItemType Directory -Path (Join-Path $session 'invoices')
    Set-Content -LiteralPath (Join-Path $session 'invoices/a.txt') -Value 'Invoice A-17: 3 chairs, total 120.50 EUR'
    Set-Content -LiteralPath (Join-Path $session 'invoices/b.txt') -Value 'Invoice B-2: one desk, 89 EUR'

    # Each command dot-sourced (so $r lives on), all its streams as text, behind a marker line.
    $script = @('$ErrorActionPreference = ''Stop''', '$ProgressPreference = ''SilentlyContinue''')
    for ($i = 0; $i -lt $Steps.Count; $i++) {
        $script += "'<<<step $i>>>'"
        $script += ". {`n$($Steps[$i].Command)`n} *>&1 | Out-String -Width 80 -Stream"
    }
    Push-Location $session
    try { $script:Printed = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command ($script -join "`n") 2>&1 | ForEach-Object { "$_" } }
    finally { Pop-Location }
    $script:ExitCode = $LASTEXITCODE
    $current = -1
    foreach ($line in $Printed) {
        if ($line -match '^<<<step (\d+)>>>$') { $current = [int]$Matches[1] }
        elseif ($current -ge 0 -and $line.Trim()) { $Steps[$current].Printed += $line }
    }
    $script:ShownCases = @(for ($i = 0; $i -lt $Steps.Count; $i++) { if ($Steps[$i].Shown.Count) { $i } })
}

AfterAll {
    Disable-StandIn $standIn
    Stop-StandIn $standIn
}

Describe 'The session in README.md' {
    It 'has a session block with commands' {
        $Steps.Count | Should -BeGreaterThan 5
    }

    It 'runs as written, every command without an error' {
        $ExitCode | Should -Be 0 -Because ($Printed -join "`n")
        ($Printed | Select-String '^<<<step').Count | Should -Be $Steps.Count -Because ($Printed -join "`n")
    }

    It 'prints what it shows under a command: the table headers and the first cell of each line' {
        $ShownCases.Count | Should -BeGreaterThan 0
        foreach ($i in $ShownCases) {
            $step = $Steps[$i]
            $printed = $step.Printed
            $shown = $step.Shown
            for ($k = 0; $k -lt $shown.Count; $k++) {
                $tokens = -split $shown[$k]
                if ($k + 1 -lt $shown.Count -and $shown[$k + 1] -match '^[- ]+$') {
                    # A header line: the same columns, in the same order.
                    $printed | Where-Object { (-split $_) -join ' ' -ceq ($tokens -join ' ') } | Should -Not -BeNullOrEmpty -Because "'$($step.Command)' should print the header '$($shown[$k])', and printed:`n$($printed -join "`n")"
                }
                elseif ($shown[$k] -notmatch '^[- ]+$') {
                    $printed | Where-Object { (-split $_)[0] -ceq $tokens[0] } | Should -Not -BeNullOrEmpty -Because "'$($step.Command)' should print a line starting '$($tokens[0])', and printed:`n$($printed -join "`n")"
                }
            }
        }
    }

    It 'did what it says: summary written, the smol models removed, the chain saved' {
        Get-Content -Raw -LiteralPath (Join-Path $TestDrive 'session/summary.txt') | Should -Match 'Summarize'
        $tags = (& docker model ls --json | ConvertFrom-Json).tags
        $tags | Should -Contain 'ai/llama3.2:latest'
        $tags | Should -Not -Contain 'ai/smollm2:latest'
        (Get-LlmProviderFallback).Name | Should -Be @('local', 'ollama')
    }

    It 'extracted one CSV row per invoice file, and the semantic search printed the three closest lines' {
        $rows = Import-Csv -LiteralPath (Join-Path $TestDrive 'session/invoices.csv')
        $rows.number | Should -BeLike 'number: Extract the invoice*Invoice *' # the stand-in quotes the prompt in every string
        $rows.number[0] | Should -BeLike '*A-17*'
        $rows.number[1] | Should -BeLike '*B-2*'
        $rows.total | Should -Be @('42.5', '42.5')
        $search = $Steps | Where-Object Command -Like '*Get-LlmEmbedding*'
        $lines = @($search.Printed | Where-Object { $_ -match '^\s*-?[01]\.\d+\s' })
        $lines | Should -HaveCount 3 -Because ($search.Printed -join "`n")
        $lines[0] | Should -Match 'TCP' -Because 'the closest line of the setup guide speaks of host TCP'
    }

    It 'wrote nothing into the checkout' {
        Join-Path $RepoRoot 'invoices.csv' | Should -Not -Exist
        Join-Path $RepoRoot 'summary.txt' | Should -Not -Exist
    }
}
