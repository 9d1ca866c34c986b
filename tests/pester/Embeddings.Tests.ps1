# Get-LlmEmbedding against the stand-in runner: one object per input, batches, -Query similarity, errors.
Describe 'Get-LlmEmbedding' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn -Installed 'ai/smollm2', 'ai/mxbai-embed-large'
        Enable-StandIn $standIn
        $script:Docs = 'How do I reset my password?', 'Where is the invoice for March?', 'Password rules: twelve characters', 'Opening hours of the shop'
        function Requests { @(Get-StandInRequests $standIn) }
    }
    AfterAll { Stop-StandIn $standIn }
    BeforeEach { Reset-StandIn $standIn -Installed 'ai/smollm2', 'ai/mxbai-embed-large' }

    It 'writes one object per text, in order, batching the texts per request' {
        $e = $Docs | Get-LlmEmbedding -Model ai/mxbai-embed-large -BatchSize 3
        $e.Text | Should -Be $Docs
        $e[0] | Should -BeOfType Ultra.DockerModel.LlmEmbedding
        $e[0].Vector | Should -BeOfType float
        $e[0].Dimensions | Should -Be 384
        $e[0].Model | Should -Be 'ai/mxbai-embed-large'
        $e[0].Provider | Should -Be 'DockerModelRunner'
        $r = Requests
        $r.Count | Should -Be 2
        $r[0].input | Should -Be $Docs[0..2]
    }

    It 'adds Similarity to the query so Sort-Object finds the closest texts' {
        $top = $Docs | Get-LlmEmbedding -Model ai/mxbai-embed-large -Query 'forgot my password' | Sort-Object Similarity -Descending | Select-Object -First 2
        $top.Text | Should -Be @('How do I reset my password?', 'Password rules: twelve characters')
        $top[0].Similarity | Should -BeGreaterThan $top[1].Similarity
        (Requests)[0].input[0] | Should -Be 'forgot my password'
    }

    It 'compares embeddings made before without embedding them again' {
        $stored = $Docs | Get-LlmEmbedding -Model ai/mxbai-embed-large
        Reset-StandIn $standIn -Installed 'ai/mxbai-embed-large'
        $ranked = $stored | Get-LlmEmbedding -Model ai/mxbai-embed-large -Query 'shop hours' | Sort-Object Similarity -Descending
        $ranked[0].Text | Should -Be 'Opening hours of the shop'
        (Requests).input | Should -Be 'shop hours'
    }

    It 'takes Text from objects by property name, and the format view fits 80 columns' {
        $rows = [pscustomobject]@{ Text = 'a row of a CSV file'; Id = 1 }, [pscustomobject]@{ Text = 'another row'; Id = 2 }
        $e = $rows | Get-LlmEmbedding -Model ai/mxbai-embed-large -Query 'row'
        $e.Count | Should -Be 2
        ($e | Out-String -Width 80) -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        ($e | Out-String -Width 80) | Should -Match 'ai/mxbai-embed-large\s+a row of a CSV file'
    }

    It 'skips an empty text with an error and goes on' {
        $e = 'one', '', 'two' | Get-LlmEmbedding -Model ai/mxbai-embed-large -ErrorVariable err -ErrorAction SilentlyContinue
        $e.Text | Should -Be @('one', 'two')
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
    }

    It 'refuses the CLI transport and names a model that is not installed' {
        { 'x' | Get-LlmEmbedding -Model ai/mxbai-embed-large -Transport Cli } | Should -Throw '*no embeddings command*'
        $err = $null
        try { 'x' | Get-LlmEmbedding -Model ai/gemma3 } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
    }

    It 'falls back down the saved chain with a warning' {
        Set-StandInConfig $standIn @{ fault = 'not-running' } | Out-Null
        $backup = Start-StandIn -Installed 'ai/mxbai-embed-large'
        try {
            Set-LlmProviderFallback -Provider @(
                @{ Name = 'local'; Kind = 'DockerModelRunner'; Model = 'ai/mxbai-embed-large' }
                @{ Name = 'backup'; Kind = 'OpenAICompatible'; Model = 'ai/mxbai-embed-large'; Endpoint = "$($backup.Url)/v1" })
            $e = 'text' | Get-LlmEmbedding -WarningVariable warn -WarningAction SilentlyContinue
            $e.Provider | Should -Be 'backup'
            $warn.Count | Should -Be 1
        }
        finally {
            Clear-LlmProviderFallback -Confirm:$false
            Stop-StandIn $backup
        }
    }
}
