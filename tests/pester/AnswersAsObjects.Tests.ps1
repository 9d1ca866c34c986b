# Invoke-LocalLlm -Schema/-AsJson, -Cache and -Template against the stand-in runner: what a script gets on the pipeline.
Describe 'Answers as objects' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn -Installed 'ai/smollm2'
        Enable-StandIn $standIn
        $script:InvoiceSchema = @{ type = 'object'; properties = @{ number = @{ type = 'string' }; total = @{ type = 'number' } }; required = @('number', 'total') }
        $script:work = Join-Path ([IO.Path]::GetTempPath()) ('udm-objects-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory $work
        function Requests { @(Get-StandInRequests $standIn) }
    }
    AfterAll {
        Stop-StandIn $standIn
        Remove-Item $work -Recurse -Force -ErrorAction Ignore
    }
    BeforeEach {
        Reset-StandIn $standIn
        Remove-Item (Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json') -ErrorAction Ignore
        Remove-Item (Join-Path $env:ULTRA_DOCKERMODEL_HOME 'cache') -Recurse -ErrorAction Ignore
    }

    Context 'structured output' {
        It 'turns text files into CSV rows (the issue''s example)' {
            Push-Location $work
            try {
                'Invoice A-17: 3 chairs, total 120.50 EUR' | Set-Content a.txt
                'Invoice B-2: one desk, 89 EUR' | Set-Content b.txt
                Get-ChildItem *.txt | ForEach-Object { Get-Content $_ -Raw | Invoke-LocalLlm 'Extract the invoice' -Model ai/smollm2 -Schema @{ type = 'object'; properties = @{ number = @{ type = 'string' }; total = @{ type = 'number' } }; required = @('number', 'total') } } | Export-Csv invoices.csv
                $rows = Import-Csv invoices.csv
            }
            finally { Pop-Location }
            $rows.Count | Should -Be 2
            ($rows[0].PSObject.Properties.Name | Sort-Object) | Should -Be @('number', 'total')
            $rows[0].number | Should -BeLike 'number: Extract the invoice*Invoice A-17*'
            [double]$rows[1].total | Should -Be 42.5
            $format = (Requests)[0].response_format
            $format.type | Should -Be 'json_schema'
            $format.json_schema.schema.required | Should -Be @('number', 'total')
        }

        It 'makes an instance of a PowerShell class, leaving its hidden properties out of the schema' {
            class Invoice { [string] $Number; [decimal] $Total; [string[]] $Lines; hidden [string] $Note }
            $invoice = Invoke-LocalLlm 'Extract' -Model ai/smollm2 -Schema ([Invoice])
            $invoice.GetType().Name | Should -Be 'Invoice'
            $invoice.Total | Should -Be 42.5
            $invoice.Lines | Should -HaveCount 1
            $schema = (Requests)[0].response_format.json_schema
            $schema.name | Should -Be 'Invoice'
            $schema.schema.properties.PSObject.Properties.Name | Should -Be @('Number', 'Total', 'Lines')
        }

        It 'takes a JSON Schema string, and -AsResponse gives the response with the raw JSON and the value' {
            $r = Invoke-LocalLlm 'x' -Model ai/smollm2 -Schema '{"type":"object","properties":{"ok":{"type":"boolean"}}}' -AsResponse
            $r | Should -BeOfType Ultra.DockerModel.LlmResponse
            $r.Text | Should -Be '{"ok":true}'
            $r.Value.ok | Should -BeTrue
        }

        It '-AsJson asks for any JSON object' {
            $o = Invoke-LocalLlm 'hi' -Model ai/smollm2 -AsJson
            $o.answer | Should -Be 'You said: «hi».'
            (Requests)[0].response_format.type | Should -Be 'json_object'
        }

        It 'asks again once when the answer is not JSON, and says so with -Verbose' {
            Set-StandInConfig $standIn @{ fault = 'invalid-json'; faultCount = 1 } | Out-Null
            $o = Invoke-LocalLlm 'x' -Model ai/smollm2 -Schema $InvoiceSchema -Verbose 4>&1
            ($o | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -like "The answer of 'DockerModelRunner' does not do: the answer is not valid JSON*Asking again (1 of 1 retries)." | Should -HaveCount 1
            ($o | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).total | Should -Be 42.5
            (Requests).Count | Should -Be 2
        }

        It 'gives a SchemaMismatch error with the raw answer when the retry fails too, and -SchemaRetryCount 0 asks once' {
            Set-StandInConfig $standIn @{ fault = 'json-mismatch' } | Out-Null
            $err = $null
            try { Invoke-LocalLlm 'x' -Model ai/smollm2 -Schema $InvoiceSchema } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'SchemaMismatch,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidResult'
            $err.Exception.RawError | Should -BeLike '"That answer cannot be used*'
            (Requests).Count | Should -Be 2
            Reset-StandIn $standIn
            Set-StandInConfig $standIn @{ fault = 'json-mismatch' } | Out-Null
            { Invoke-LocalLlm 'x' -Model ai/smollm2 -AsJson -SchemaRetryCount 0 } | Should -Throw '*in 1 try*'
            (Requests).Count | Should -Be 1
        }

        It 'refuses what cannot work before any request' -ForEach @(
            @{ Extra = @{ Stream = $true }; Message = '*Leave out -Stream*' }
            @{ Extra = @{ Transport = 'Cli' }; Message = '*cannot carry*a schema*' }
            @{ Extra = @{ AsJson = $true }; Message = '*not both*' }
        ) {
            { Invoke-LocalLlm 'x' -Model ai/smollm2 -Schema $InvoiceSchema @Extra } | Should -Throw $Message
            { Invoke-LocalLlm 'x' -Model ai/smollm2 -Schema '{"type": ' } | Should -Throw '*not valid JSON*'
            (Requests).Count | Should -Be 0
        }
    }

    Context 'response cache' {
        It 'answers the same call from the cache the second time, streaming the same pieces' {
            $first = @(Invoke-LocalLlm 'cache me' -Model ai/smollm2 -Cache -Stream)
            $again = @(Invoke-LocalLlm 'cache me' -Model ai/smollm2 -Cache -Stream)
            $response = Invoke-LocalLlm 'cache me' -Model ai/smollm2 -Cache
            $again | Should -Be $first
            $response.Cached | Should -BeTrue
            $response.Text | Should -Be ($first -join '')
            $response.Text | Should -BeLike 'You said: «cache me».*'
            (Requests).Count | Should -Be 1
        }

        It 'with the setting on, caches only a call that answers the same twice' {
            Set-Content (Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json') '{ "responseCache": true }'
            1..2 | ForEach-Object { $null = Invoke-LocalLlm 'sampled' -Model ai/smollm2 }
            (Requests).Count | Should -Be 2
            $r = 1..2 | ForEach-Object { Invoke-LocalLlm 'greedy' -Model ai/smollm2 -Temperature 0 }
            $r[1].Cached | Should -BeTrue
            (Requests).Count | Should -Be 3
        }

        It 'is shared by two processes' {
            $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
            & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; (Invoke-LocalLlm 'shared' -Model ai/smollm2 -Cache).Cached" | Should -Be 'False'
            (Invoke-LocalLlm 'shared' -Model ai/smollm2 -Cache).Cached | Should -BeTrue
            (Requests).Count | Should -Be 1
        }

        It 'keeps only answers that pass the schema' {
            Set-StandInConfig $standIn @{ fault = 'invalid-json'; faultCount = 1 } | Out-Null
            $null = Invoke-LocalLlm 'x' -Model ai/smollm2 -AsJson -Cache
            $again = Invoke-LocalLlm 'x' -Model ai/smollm2 -AsJson -Cache -AsResponse
            $again.Cached | Should -BeFalse
            $again.Value.answer | Should -Be 'You said: «x».'
            (Requests).Count | Should -Be 3
            (Invoke-LocalLlm 'x' -Model ai/smollm2 -AsJson -Cache -AsResponse).Cached | Should -BeTrue
        }
    }

    Context 'prompt templates' {
        It 'fills {{input}} from piped text and the other placeholders from -TemplateParameter, with the template''s defaults' {
            Set-LlmPromptTemplate summarize 'Summarize in {{lang}}: {{input}}' -SystemPrompt 'Write {{lang}}.' -Temperature 0 -Model ai/smollm2
            $r = 'the text' | Invoke-LocalLlm -Template summarize -TemplateParameter @{ lang = 'fr' }
            $r.Text | Should -BeLike 'You said: «Summarize in fr: the text». System: «Write fr.».*'
            $sent = (Requests)[0]
            $sent.temperature | Should -Be 0
            $sent.model | Should -Be 'ai/smollm2'
        }

        It 'stops before any request when a value is missing' {
            Set-LlmPromptTemplate summarize 'Summarize in {{lang}}: {{input}}'
            { 'text' | Invoke-LocalLlm -Template summarize -Model ai/smollm2 } | Should -Throw "*needs a value for {{lang}}*"
            { Invoke-LocalLlm -Template nope -Model ai/smollm2 } | Should -Throw '*no prompt template named*'
            (Requests).Count | Should -Be 0
        }

        It 'runs a template without input, and completes template names after -Template' {
            Set-LlmPromptTemplate joke 'Tell a joke.'
            (Invoke-LocalLlm -Template joke -Model ai/smollm2).Text | Should -BeLike 'You said: «Tell a joke.».*'
            $r = TabExpansion2 -inputScript 'Invoke-LocalLlm -Template jo' -cursorColumn 28
            $r.CompletionMatches.CompletionText | Should -Be @('joke')
        }

        It 'gives structured answers when the template has a schema' {
            Set-LlmPromptTemplate invoice 'Extract: {{input}}' -Schema $InvoiceSchema
            $o = 'Invoice A-1, 10 EUR' | Invoke-LocalLlm -Template invoice -Model ai/smollm2
            $o.total | Should -Be 42.5
        }
    }
}
