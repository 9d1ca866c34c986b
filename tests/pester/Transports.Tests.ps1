# Issue 15's features on every transport, through the cmdlets: -Schema/-AsJson, -Cache, -Template and Get-LlmEmbedding
# over the runner's HTTP API (the stand-in), an OpenAI-compatible server that is not the runner (the tests' own
# EchoOpenAIServer), the docker CLI (which carries only a plain prompt: the rest is refused with one clear error before
# any request) and the embedded engine (a generated GGUF). -Schema on the embedded engine (a grammar built from the
# schema) is the engine's own test, in Embedded.Tests.ps1.
Describe 'Answers as objects on every transport' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn -Installed 'ai/smollm2'
        Enable-StandIn $standIn
        $routing = Join-Path $RepoRoot 'tests/Ultra.DockerModel.Tests/Routing'
        Add-Type -Path (Join-Path $routing 'LoopbackOpenAIServer.cs'), (Join-Path $routing 'EchoOpenAIServer.cs')
        $script:openAI = [Ultra.DockerModel.Tests.Routing.EchoOpenAIServer]::Start()
        $script:gguf = New-TestGguf (Join-Path $TestDrive 'tiny.gguf')
        $script:InvoiceSchema = @{ type = 'object'; properties = @{ number = @{ type = 'string' }; total = @{ type = 'number' } }; required = @('number', 'total') }
        # One provider per transport; each test picks its transport with -Provider NAME -NoFallback.
        $script:chain = @(
            @{ Name = 'http'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2'; Transport = 'Http' }
            @{ Name = 'cli'; Kind = 'DockerModelRunner'; Model = 'ai/smollm2'; Transport = 'Cli' }
            @{ Name = 'openai'; Kind = 'OpenAICompatible'; Model = 'echo-1'; Endpoint = $openAI.BaseUrl }
            @{ Name = 'embedded'; Kind = 'Embedded'; Model = $gguf }
        )

        # The request bodies that reached the server behind a provider (the stand-in serves both runner transports).
        function Sent([string] $Provider) {
            if ($Provider -eq 'openai') { @($openAI.Bodies | ForEach-Object { $_.Item2 | ConvertFrom-Json }) }
            else { @(Get-StandInRequests $standIn) }
        }
        function Clear-Sent { Reset-StandIn $standIn -Installed 'ai/smollm2'; $openAI.Bodies.Clear() }
        # What the embedded engine needs to answer quickly on two cores.
        function Engine([string] $Provider) { if ($Provider -eq 'embedded') { @{ MaxTokens = 8; Threads = 1 } } else { @{} } }
    }
    AfterAll {
        $openAI.Dispose()
        Stop-StandIn $standIn
    }
    BeforeEach {
        Clear-Sent
        Remove-Item (Join-Path $env:ULTRA_DOCKERMODEL_HOME 'cache') -Recurse -ErrorAction Ignore
        Set-LlmProviderFallback -Provider $chain
    }

    Context '-Schema and -AsJson' {
        It 'writes the object of the schema over <Provider>, the schema sent as response_format' -ForEach @(
            @{ Provider = 'http'; Total = 42.5 }
            @{ Provider = 'openai'; Total = 12.5 }
        ) {
            $o = 'Invoice A-17, 120.50 EUR' | Invoke-LocalLlm 'Extract the invoice' -Provider $Provider -NoFallback -Schema $InvoiceSchema
            $o.number | Should -BeLike 'number: Extract the invoice*Invoice A-17*'
            $o.total | Should -Be $Total
            $format = (Sent $Provider)[0].response_format
            $format.type | Should -Be 'json_schema'
            $format.json_schema.schema.required | Should -Be @('number', 'total')
            $j = Invoke-LocalLlm 'hi' -Provider $Provider -NoFallback -AsJson
            @($j.PSObject.Properties).Count | Should -Be 1
            (Sent $Provider)[1].response_format.type | Should -Be 'json_object'
        }

        It 'is refused over the CLI with the error of every option the CLI cannot carry, before any request' {
            $refusal = { param($Extra) try { Invoke-LocalLlm 'x' -Provider cli -NoFallback @Extra; $null } catch { $_ } }
            $temperature = & $refusal @{ Temperature = 0.5 }
            $temperature.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
            $temperature.Exception.Message | Should -BeLike '*-Transport Cli cannot carry*a schema (-Schema, -AsJson)*Use -Transport Http.'
            foreach ($extra in @{ Schema = $InvoiceSchema }, @{ AsJson = $true }) {
                $e = & $refusal $extra
                $e.FullyQualifiedErrorId | Should -Be $temperature.FullyQualifiedErrorId
                $e.Exception.Message | Should -BeExactly $temperature.Exception.Message
            }
            Sent cli | Should -BeNullOrEmpty
        }
    }

    Context '-Cache' {
        It 'answers the second call from the cache over <Provider>, with the same text' -ForEach @(
            @{ Provider = 'http' }, @{ Provider = 'cli' }, @{ Provider = 'openai' }, @{ Provider = 'embedded' }
        ) {
            $options = Engine $Provider
            $first = Invoke-LocalLlm 'cache this' -Provider $Provider -NoFallback -Cache @options
            $again = Invoke-LocalLlm 'cache this' -Provider $Provider -NoFallback -Cache @options -Verbose 4>&1
            $response = $again | Where-Object { $_ -is [Ultra.DockerModel.LlmResponse] }
            $first.Cached | Should -BeFalse
            $response.Cached | Should -BeTrue
            $response.Text | Should -BeExactly $first.Text
            $response.Provider | Should -Be $Provider
            @($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "Answered from the response cache*'$Provider')." }) | Should -HaveCount 1
            if ($Provider -ne 'embedded') { Sent $Provider | Should -HaveCount 1 }
        }

        It 'asks the embedded engine again once its model file has changed, though the path is the same' {
            $path = Join-Path $TestDrive 'replaced.gguf'
            Copy-Item $gguf $path
            Set-LlmProviderFallback -Provider @{ Name = 'file'; Kind = 'Embedded'; Model = $path }
            $null = Invoke-LocalLlm 'cache this' -Provider file -Cache -MaxTokens 8 -Threads 1
            (Invoke-LocalLlm 'cache this' -Provider file -Cache -MaxTokens 8 -Threads 1).Cached | Should -BeTrue
            # New weights put in place as a download does (written beside it, then renamed over it).
            $null = New-TestGguf (Join-Path $TestDrive 'new.gguf') -Seed 99
            (Get-Item (Join-Path $TestDrive 'new.gguf')).LastWriteTimeUtc = (Get-Item $path).LastWriteTimeUtc.AddSeconds(1)
            Move-Item (Join-Path $TestDrive 'new.gguf') $path -Force
            (Invoke-LocalLlm 'cache this' -Provider file -Cache -MaxTokens 8 -Threads 1).Cached | Should -BeFalse
        }

        It 'caches structured answers over <Provider>: the object again, the server asked once' -ForEach @(@{ Provider = 'http' }, @{ Provider = 'openai' }) {
            $first = Invoke-LocalLlm 'Invoice B-2' -Provider $Provider -NoFallback -Schema $InvoiceSchema -Cache -AsResponse
            $again = Invoke-LocalLlm 'Invoice B-2' -Provider $Provider -NoFallback -Schema $InvoiceSchema -Cache -AsResponse
            $again.Cached | Should -BeTrue
            $again.Value.number | Should -BeExactly $first.Value.number
            Sent $Provider | Should -HaveCount 1
        }
    }

    Context '-Template' {
        It 'sends the filled template, its system prompt and its options over <Provider>' -ForEach @(
            @{ Provider = 'http' }, @{ Provider = 'openai' }, @{ Provider = 'embedded' }
        ) {
            Set-LlmPromptTemplate translate 'Translate into {{lang}}: {{input}}' -SystemPrompt 'You write {{lang}}.' -Temperature 0 -MaxTokens 8
            $options = Engine $Provider
            $options.Remove('MaxTokens')
            $r = 'good morning' | Invoke-LocalLlm -Template translate -TemplateParameter @{ lang = 'French' } -Provider $Provider -NoFallback @options
            $r.History[0].Role | Should -Be 'system'
            $r.History[0].Content | Should -BeExactly 'You write French.'
            $r.History[1].Content | Should -BeExactly 'Translate into French: good morning'
            if ($Provider -eq 'embedded') { $r.CompletionTokens | Should -Be 8 -Because "the template's -MaxTokens applies" }
            else {
                $sent = (Sent $Provider)[0]
                $sent.messages.content | Should -Be @('You write French.', 'Translate into French: good morning')
                $sent.temperature | Should -Be 0
                $sent.max_tokens ?? $sent.max_completion_tokens | Should -Be 8
            }
        }

        It 'runs a plain template over the CLI, and refuses one with a system prompt as it refuses -SystemPrompt' {
            Set-LlmPromptTemplate plain 'Summarize: {{input}}'
            ('a long text' | Invoke-LocalLlm -Template plain -Provider cli -NoFallback).Text | Should -BeLike 'You said: «Summarize: a long text».*'
            (Sent cli)[0].messages.content | Should -Be 'Summarize: a long text'
            Clear-Sent
            Set-LlmPromptTemplate styled 'Summarize: {{input}}' -SystemPrompt 'Be brief.'
            $expected = try { Invoke-LocalLlm 'x' -SystemPrompt 'Be brief.' -Provider cli -NoFallback } catch { $_ }
            $e = try { 'x' | Invoke-LocalLlm -Template styled -Provider cli -NoFallback } catch { $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
            $e.Exception.Message | Should -BeExactly $expected.Exception.Message
            Sent cli | Should -BeNullOrEmpty
        }
    }

    Context 'Get-LlmEmbedding' {
        It 'writes one vector per text over <Provider>, and -Query ranks them' -ForEach @(
            @{ Provider = 'http'; Dimensions = 384 }, @{ Provider = 'openai'; Dimensions = 26 }, @{ Provider = 'embedded'; Dimensions = 0 }
        ) {
            $texts = 'reset my password', 'opening hours of the shop', 'password rules'
            $e = $texts | Get-LlmEmbedding -Provider $Provider -NoFallback
            $e.Text | Should -Be $texts
            $e[0].Provider | Should -Be $Provider
            $e[0].Vector.Count | Should -Be $e[0].Dimensions
            if ($Dimensions) { $e[0].Dimensions | Should -Be $Dimensions } else { $e[0].Dimensions | Should -BeGreaterThan 0 }
            $ranked = $texts | Get-LlmEmbedding -Provider $Provider -NoFallback -Query 'forgot password' | Sort-Object Similarity -Descending
            $ranked | Should -HaveCount 3
            foreach ($r in $ranked) { $r.Similarity | Should -BeGreaterOrEqual -1.0001; $r.Similarity | Should -BeLessOrEqual 1.0001 }
            # Random weights rank nothing in particular; the other two servers' vectors share words (or letters).
            if ($Provider -ne 'embedded') { $ranked[-1].Text | Should -Be 'opening hours of the shop' }
            if ($Provider -ne 'embedded') { (Sent $Provider)[0].input | Should -Be $texts }
        }

        It 'is refused over the CLI, which has no embeddings command, before any request' {
            $e = try { 'x' | Get-LlmEmbedding -Provider cli -NoFallback } catch { $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidInvocation,*'
            $e.Exception.Message | Should -BeExactly 'The docker CLI has no embeddings command. -Transport Cli cannot carry embeddings: use -Transport Http or Auto.'
            Sent cli | Should -BeNullOrEmpty
        }
    }
}
