# Issue 10 item 20: every table view of Ultra.DockerModel.Format.ps1xml, rendered at 80 columns with long, realistic
# values: nothing past column 80, every column kept (Name and Size in full where they matter), headers that are the
# objects' property names (so Select-Object <header> works) and one unit for the durations of a view. The views are
# read from the built module, so a new view fails here until it has a sample object below.

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = if ($env:ULTRA_DOCKERMODEL_TEST_MODULE) { $env:ULTRA_DOCKERMODEL_TEST_MODULE } else { Join-Path $repoRoot 'out/Ultra.DockerModel/Ultra.DockerModel.psd1' }
    [xml] $formats = Get-Content -Raw (Join-Path (Split-Path $modulePath) 'Ultra.DockerModel.Format.ps1xml')
    $viewCases = foreach ($view in $formats.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl }) {
        $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
        @{ View = $view.Name; TypeName = $view.ViewSelectedBy.TypeName; Labels = @($headers.Label); Widths = @($headers | ForEach-Object { [int]$_.Width }) }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $gib = [long]1GB
    # Long values a user meets: a Hugging Face name, the widest size ByteSize prints, the longest kinds and quantizations.
    $script:Samples = @{
        'Ultra.DockerModel.LocalModel'             = @(
            [Ultra.DockerModel.LocalModel]@{ Name = 'ai/smollm2:latest'; Id = 'sha256:' + ('3' * 64); Parameters = '361.82 M'; Quantization = 'IQ2_XXS/Q4_K_M'; Size = 268802458; ContextSize = 8192 }
            [Ultra.DockerModel.LocalModel]@{ Name = 'hf.co/bartowski/llama-3.2-1b-instruct-gguf:Q4_K_M'; Id = 'sha256:' + ('4' * 64); Parameters = '1.24 B'; Quantization = 'MOSTLY_Q4_K_M'; Size = [long](1023.99 * $gib); ContextSize = 131072 }
        )
        'Ultra.DockerModel.LlmResponse#Displayed'  = @(
            [Ultra.DockerModel.LlmResponse]@{ Text = 'x'; Provider = 'DockerModelRunner'; Model = 'ai/llama3.2:1B-Q8_0'; Elapsed = [timespan]::FromSeconds(123.456); TimeToFirstToken = [timespan]::FromMilliseconds(87); FinishReason = 'length' }
        )
        'Ultra.DockerModel.LlmProvider'            = @(
            [Ultra.DockerModel.LlmProvider]@{ Name = 'local'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2:360M-Q4_K_M' }
            [Ultra.DockerModel.LlmProvider]@{ Name = 'ollama-lab'; Kind = 'OpenAICompatible'; Model = 'llama3.2'; Endpoint = 'http://localhost:11434/v1'; ApiKeyEnvironmentVariable = 'OLLAMA_API_KEY'; Enabled = $false }
        )
        'Ultra.DockerModel.LoadedModel'            = @(
            [Ultra.DockerModel.LoadedModel]@{ Name = 'ai/llama3.2:1B-Q8_0'; Engine = 'DockerModelRunner'; Mode = 'completion'; Until = '4 minutes from now'; MemoryBytes = [long](1023.99 * $gib) }
            [Ultra.DockerModel.LoadedModel]@{ Name = '/home/someone/models/llama-3.2-1b-instruct-q4_k_m.gguf'; Engine = 'Embedded'; Backend = 'llama.cpp'; Until = 'in use'; MemoryBytes = [long](1023.99 * $gib); Path = '/home/someone/models/llama-3.2-1b-instruct-q4_k_m.gguf' }
        )
        'Ultra.DockerModel.ModelMeasurement'       = @(
            [Ultra.DockerModel.ModelMeasurement]@{ Model = 'ai/llama3.2:1B-Q8_0'; Provider = 'DockerModelRunner'; LoadMs = 12345; FirstTokenMs = 1234; FirstTokenSpreadMs = 123; TokensPerSecond = 1234.5; TokensPerSecondSpread = 123.4; TotalMs = 123456; TotalSpreadMs = 1234 }
        )
        'Ultra.DockerModel.LlmEmbedding'           = @(
            [Ultra.DockerModel.LlmEmbedding]@{ Text = "The quick brown fox`njumps over the lazy dog, again and again and again."; Vector = [float[]]::new(1024); Model = 'ai/mxbai-embed-large:335M-F16'; Similarity = 0.98765 }
        )
        'Ultra.DockerModel.Templates.PromptTemplate' = @(
            [Ultra.DockerModel.Templates.PromptTemplate]@{ Name = 'summarize-notes'; Prompt = 'Summarize {{input}} for {{audience}} in {{words}} words, in plain language.'; Model = 'ai/llama3.2:1B-Q8_0' }
        )
        'Ultra.DockerModel.ModelConfiguration'     = @(
            [Ultra.DockerModel.ModelConfiguration]@{ Name = 'ai/llama3.2:1B-Q8_0'; Mode = 'completion'; ContextSize = 131072; KeepAlive = [timespan]::FromMinutes(10); Reasoning = $true }
        )
        'Ultra.DockerModel.ModelStorage'           = @(
            [Ultra.DockerModel.ModelStorage]@{ Store = 'DockerModelRunner'; Models = 12; ModelBytes = [long](1023.99 * $gib); EngineBytes = 45120000 }
            [Ultra.DockerModel.ModelStorage]@{ Store = 'ModuleStore'; Path = '/home/someone/.local/share/Ultra.DockerModel/models'; Models = 3; ModelBytes = [long](812.5 * $gib); IncompleteBytes = [long](1023.99 * $gib); UnreferencedBytes = [long](1023.99 * $gib); CacheBytes = [long](1023.99 * $gib); FreeBytes = [long](1023.99 * $gib); VolumeBytes = [long](1800 * $gib) }
            [Ultra.DockerModel.ModelStorage]@{ Store = 'DockerStore'; Path = '/home/someone/.docker/models'; Models = 1; ModelBytes = 268802458; IncompleteBytes = 0; UnreferencedBytes = 500; FreeBytes = [long](1023.99 * $gib) }
        )
        'Ultra.DockerModel.ModelUpdate'            = @(
            [Ultra.DockerModel.ModelUpdate]@{ Name = 'hf.co/bartowski/llama-3.2-1b-instruct-gguf:Q4_K_M'; Store = 'DockerModelRunner'; OldId = 'sha256:' + ('3' * 64); NewId = 'sha256:' + ('4' * 64); Updated = $true; OldRemoved = $true }
            [Ultra.DockerModel.ModelUpdate]@{ Name = 'ai/smollm2:latest'; Store = 'ModuleStore'; OldId = 'sha256:' + ('5' * 64); Reason = 'The registry could not be reached.' }
        )
        # Get-LocalModel -CheckUpdate sets UpdateAvailable and UpdateReason (internal setters): set here as it does.
        'Ultra.DockerModel.LocalModel#UpdateCheck' = @(
            foreach ($check in @{ Name = 'hf.co/bartowski/llama-3.2-1b-instruct-gguf:Q4_K_M'; Id = '3'; Available = $true; Reason = 'hf.co/bartowski/llama-3.2-1b-instruct-gguf:Q4_K_M is sha256:444444444444 in the registry now; sha256:333333333333 is installed.' },
                @{ Name = 'ai/smollm2:latest'; Id = '5'; Available = $null; Reason = 'Unknown: the registry at registry-1.docker.io could not be reached (connection refused).' }) {
                $model = [Ultra.DockerModel.LocalModel]@{ Name = $check.Name; Id = 'sha256:' + ($check.Id * 64) }
                $model.GetType().GetProperty('UpdateAvailable').SetValue($model, $check.Available)
                $model.GetType().GetProperty('UpdateReason').SetValue($model, $check.Reason)
                $model
            }
        )
    }

    function ConvertTo-Rendered($Objects, [string] $TypeName, [string] $View, [int[]] $Widths) {
        $tagged = foreach ($o in $Objects) {
            if ($o.PSObject.TypeNames[0] -ne $TypeName) { $o.PSObject.TypeNames.Insert(0, $TypeName) }
            $o
        }
        $text = $tagged | Format-Table -View $View | Out-String -Width 80
        $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
        # The line of dashes ends the headers (a header too wide for its column wraps above it); columns are their
        # widths apart, one space between.
        $dashes = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^[- ]+$' })
        $start = 0
        $extents = foreach ($w in $Widths) { [pscustomobject]@{ Start = $start; Length = $w }; $start += $w + 1 }
        $cell = { param($line, $i) $e = $extents[$i]; if ($line.Length -le $e.Start) { '' } else { $line.Substring($e.Start, [math]::Min($e.Length, $line.Length - $e.Start)).Trim() } }
        [pscustomobject]@{
            Lines       = $lines
            HeaderLines = $dashes
            Headers     = @(for ($i = 0; $i -lt $extents.Count; $i++) { & $cell $lines[0] $i })
            Rows        = @(foreach ($row in $lines | Select-Object -Skip ($dashes + 1)) { , @(for ($i = 0; $i -lt $extents.Count; $i++) { & $cell $row $i }) })
        }
    }
}

Describe 'The <View> table view at 80 columns' -ForEach $viewCases {
    BeforeAll {
        $objects = $Samples[$TypeName]
        $rendered = if ($objects) { ConvertTo-Rendered $objects $TypeName $View $Widths }
    }

    # A column without a width is sized to its longest value, and the columns that no longer fit are dropped.
    It 'gives every column a fixed width, 80 columns in all' {
        $Widths | Should -Not -Contain 0
        ($Widths | Measure-Object -Sum).Sum + $Widths.Count - 1 | Should -BeLessOrEqual 80
    }

    It 'has sample objects in this test' {
        $objects | Should -Not -BeNullOrEmpty -Because "add objects of $TypeName to `$Samples in Views.Tests.ps1"
    }

    It 'fits 80 columns and keeps every column, with its whole header' {
        $rendered.Lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 -Because "'$_' is wider than 80 columns" }
        $rendered.HeaderLines | Should -Be 1 -Because "the headers wrapped:`n$($rendered.Lines -join "`n")"
        $rendered.Headers | Should -Be $Labels
        $rendered.Rows.Count | Should -Be $objects.Count -Because "a row wrapped:`n$($rendered.Lines -join "`n")"
    }

    It 'names each column after a property, so Select-Object with a header works' {
        foreach ($label in $Labels) {
            $objects[0].PSObject.Properties[$label] | Should -Not -BeNullOrEmpty -Because "the header '$label' is not a property of $TypeName"
        }
    }

    It 'shows Name from its start and Size in full' {
        for ($i = 0; $i -lt $objects.Count; $i++) {
            $row = $rendered.Rows[$i]
            if ($Labels -contains 'Name') {
                $name = $row[[array]::IndexOf($Labels, 'Name')]
                $name.Length | Should -BeGreaterOrEqual ([math]::Min(12, $objects[$i].Name.Length))
                $objects[$i].Name | Should -BeLike "$($name.TrimEnd([char]0x2026))*"
            }
            foreach ($sizeLabel in 'Size', 'MemoryBytes' | Where-Object { $Labels -contains $_ }) {
                $row[[array]::IndexOf($Labels, $sizeLabel)] | Should -BeExactly ([Ultra.DockerModel.ByteSize]::Format($objects[$i].$sizeLabel))
            }
        }
    }

    It 'uses one unit for the durations' {
        # A duration is a number and a time unit ("0.09 s", "87 ms", "10m").
        $units = foreach ($line in $rendered.Lines | Select-Object -Skip ($rendered.HeaderLines + 1)) {
            [regex]::Matches($line, '(?<=^|\s)[\d.,]+ ?(ms|s|m|min|h)(?=\s|$)') | ForEach-Object { $_.Groups[1].Value }
        }
        @($units | Select-Object -Unique).Count | Should -BeLessOrEqual 1 -Because "the durations read $($units -join ', ')"
    }

    It 'shows each duration with its number' {
        # A script block that reads a property wrongly (a Nullable's .Value, which PowerShell has already unwrapped)
        # formats $null: the cell is a bare unit.
        foreach ($row in $rendered.Rows) { $row | Should -Not -Match '^(ms|s|m|min|h)$' -Because "a cell reads '$($row -join ' | ')'" }
    }
}
