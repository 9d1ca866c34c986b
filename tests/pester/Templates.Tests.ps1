# Prompt templates (Set-, Get-, Remove-LlmPromptTemplate) and Clear-LlmResponseCache: what a user types and sees.
Describe 'Prompt templates' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
    }
    BeforeEach {
        Remove-Item (Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json') -ErrorAction Ignore
    }

    It 'saves a template, lists its placeholders and changes only what is given' {
        Set-LlmPromptTemplate summarize 'Summarize in {{lang}}: {{input}}' -Temperature 0 -Description 'short summary'
        Set-LlmPromptTemplate summarize -SystemPrompt 'You write {{lang}}.'
        $t = Get-LlmPromptTemplate summarize
        $t.Prompt | Should -Be 'Summarize in {{lang}}: {{input}}'
        $t.SystemPrompt | Should -Be 'You write {{lang}}.'
        $t.Temperature | Should -Be 0
        $t.Parameters | Should -Be @('lang', 'input')
        ($t | Out-String -Width 80) | Should -Match 'summarize\s+lang, input'
    }

    It 'needs -Prompt to create a template, and says so' {
        { Set-LlmPromptTemplate newone -Temperature 1 -ErrorAction Stop } | Should -Throw '*give -Prompt*'
        Get-LlmPromptTemplate | Should -BeNullOrEmpty
    }

    It 'keeps a -Schema hashtable as JSON, and $null removes it' {
        Set-LlmPromptTemplate invoice 'Extract: {{input}}' -Schema @{ type = 'object'; properties = @{ total = @{ type = 'number' } } }
        ((Get-LlmPromptTemplate invoice).Schema | ConvertFrom-Json).properties.total.type | Should -Be 'number'
        Set-LlmPromptTemplate invoice -Schema $null
        (Get-LlmPromptTemplate invoice).Schema | Should -BeNullOrEmpty
    }

    It 'refuses a bad name or value before writing anything' {
        { Set-LlmPromptTemplate 'has space' 'p' -ErrorAction Stop } | Should -Throw '*not a usable template name*'
        { Set-LlmPromptTemplate ok 'p' -Temperature 3 -ErrorAction Stop } | Should -Throw '*Temperature must be between 0 and 2*'
        Test-Path (Join-Path $env:ULTRA_DOCKERMODEL_HOME 'settings.json') | Should -BeFalse
    }

    It 'gets by wildcard, and an unknown plain name is a TemplateNotFound error' {
        Set-LlmPromptTemplate a1 'x'; Set-LlmPromptTemplate a2 'y'; Set-LlmPromptTemplate b 'z'
        (Get-LlmPromptTemplate 'a*').Name | Should -Be @('a1', 'a2')
        $found = Get-LlmPromptTemplate b, nope -ErrorVariable err -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'b'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TemplateNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'round-trips through the pipeline by property name' {
        Set-LlmPromptTemplate t1 'one {{input}}' -Model ai/smollm2
        $copy = Get-LlmPromptTemplate t1
        Remove-LlmPromptTemplate t1 -Confirm:$false
        $copy | Set-LlmPromptTemplate
        (Get-LlmPromptTemplate t1).Model | Should -Be 'ai/smollm2'
    }

    It 'removes with -WhatIf leaving it, and for real with -Confirm:$false' {
        Set-LlmPromptTemplate gone 'x'
        Remove-LlmPromptTemplate 'go*' -WhatIf
        Get-LlmPromptTemplate gone | Should -Not -BeNullOrEmpty
        'gone' | Remove-LlmPromptTemplate -Confirm:$false
        Get-LlmPromptTemplate | Should -BeNullOrEmpty
    }

    It 'completes template names on Tab' {
        Set-LlmPromptTemplate summarize 'x' -Description 'short summary'
        Set-LlmPromptTemplate summary-fr 'y'
        Set-LlmPromptTemplate other 'z'
        $r = TabExpansion2 -inputScript 'Remove-LlmPromptTemplate sum' -cursorColumn 28
        $r.CompletionMatches.CompletionText | Should -Be @('summarize', 'summary-fr')
        $r.CompletionMatches[0].ToolTip | Should -Be 'short summary'
    }
}

Describe 'Clear-LlmResponseCache' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:folder = Join-Path $env:ULTRA_DOCKERMODEL_HOME 'cache/responses'
    }

    It 'says what it would remove with -WhatIf, and removes it all otherwise' {
        New-Item -ItemType Directory $folder -Force | Out-Null
        Set-Content (Join-Path $folder 'a.json') '{"pieces":["x"]}'
        Set-Content (Join-Path $folder 'b.json') '{"pieces":["y"]}'
        $what = Clear-LlmResponseCache -WhatIf 6>&1 | Out-String
        @(Get-ChildItem $folder).Count | Should -Be 2
        $usage = Clear-LlmResponseCache -PassThru
        $usage.Entries | Should -Be 2
        $usage.MaxBytes | Should -Be (256MB)
        @(Get-ChildItem $folder).Count | Should -Be 0
        ($usage | Out-String) | Should -Match 'Entries : 2'
    }
}
