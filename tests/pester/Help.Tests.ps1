# Help for everything the built module exports: Get-Help shows real text for each command and parameter, each
# about topic in docs/ is built, and the committed en-US/ matches what docs/ and the built cmdlets produce now.
# The command list comes from the module, so a new cmdlet is checked as soon as it is exported.

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = if ($env:ULTRA_DOCKERMODEL_TEST_MODULE) { $env:ULTRA_DOCKERMODEL_TEST_MODULE } else { Join-Path $repoRoot 'out/Ultra.DockerModel/Ultra.DockerModel.psd1' }
    $module = Import-Module $modulePath -Force -PassThru
    # Common parameters are documented by about_CommonParameters, and -WhatIf/-Confirm get standard text.
    $notOwnParameters = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

    $commandCases = foreach ($command in $module.ExportedCommands.Values | Where-Object CommandType -In 'Cmdlet', 'Function' | Sort-Object Name) {
        @{
            CommandName    = $command.Name
            ParameterCases = @($command.Parameters.Keys | Where-Object { $_ -notin $notOwnParameters } | Sort-Object |
                    ForEach-Object { @{ CommandName = $command.Name; ParameterName = $_ } })
        }
    }
    # Each parameter of each command is shown, by name, in at least one example of that command ($notOwnParameters
    # holds -WhatIf/-Confirm: they work alike on every command that changes state).
    $exampleCases = foreach ($commandCase in $commandCases) { $commandCase.ParameterCases }
    $aboutCases = @(Get-ChildItem (Join-Path $repoRoot 'docs') -Filter 'about_*.md' -File | Sort-Object Name | ForEach-Object { @{ Topic = $_.BaseName } })
}

BeforeAll {
    $env:NO_COLOR = '1'
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:ModulePath = if ($env:ULTRA_DOCKERMODEL_TEST_MODULE) { $env:ULTRA_DOCKERMODEL_TEST_MODULE } else { Join-Path $RepoRoot 'out/Ultra.DockerModel/Ultra.DockerModel.psd1' }
    Import-Module $ModulePath -Force
    $script:HelpFolder = Join-Path $RepoRoot 'en-US'
    $script:FixHint = 'write or fix docs/<command>.md, run "dotnet pwsh ./build.ps1 -Task Help" and commit en-US/'

    # A text Get-Help shows, joined; '{{ ... }}' is a placeholder left by tools/Build-Help.ps1 -Scaffold, not text.
    function Get-HelpText($Value) {
        $text = (@($Value | Where-Object { $_ } | ForEach-Object { if ($_ -is [string]) { $_ } else { $_.Text } }) -join "`n").Trim()
        if ($text -match '^\{\{.*\}\}$') { '' } else { $text }
    }
}

Describe 'Help for <CommandName>' -ForEach $commandCases {
    BeforeAll {
        $help = Get-Help $CommandName -Full
    }

    It 'has a synopsis that is not the generated syntax' {
        $synopsis = Get-HelpText $help.Synopsis
        $synopsis | Should -Not -BeNullOrEmpty -Because "Get-Help $CommandName has no synopsis ($FixHint)"
        # Without help, Get-Help fills the synopsis with the syntax line, which starts with the command name.
        $synopsis | Should -Not -BeLike "$CommandName *" -Because "Get-Help $CommandName shows the generated syntax as its synopsis: there is no help for it ($FixHint)"
    }

    It 'has a description' {
        Get-HelpText $help.Description | Should -Not -BeNullOrEmpty -Because "Get-Help $CommandName has no DESCRIPTION ($FixHint)"
    }

    It 'has at least two examples, each with code' {
        $examples = @($help.Examples.Example | Where-Object { $_ })
        $examples.Count | Should -BeGreaterOrEqual 2 -Because "Get-Help $CommandName -Examples shows $($examples.Count) example(s) ($FixHint)"
        foreach ($example in $examples) {
            Get-HelpText $example.Code | Should -Not -BeNullOrEmpty -Because "$CommandName example '$($example.Title.Trim('- '))' has no code"
        }
    }

    It 'describes parameter -<ParameterName>' -ForEach $ParameterCases {
        $parameter = @($help.Parameters.Parameter | Where-Object Name -EQ $ParameterName)
        $parameter.Count | Should -Be 1 -Because "Get-Help $CommandName -Parameter $ParameterName finds no help ($FixHint)"
        Get-HelpText $parameter[0].Description | Should -Not -BeNullOrEmpty -Because "$CommandName -$ParameterName has no description ($FixHint)"
    }

    It 'names its [OutputType] types under OUTPUTS' {
        $documented = @($help.ReturnValues.ReturnValue | Where-Object { $_ } | ForEach-Object { "$($_.Type.Name)".Trim() })
        foreach ($type in (Get-Command $CommandName).OutputType | Where-Object Name -NE 'System.Void') {
            $documented | Should -Contain $type.Name -Because "$CommandName declares [OutputType($($type.Name))], which its OUTPUTS section does not name"
        }
    }
}

Describe 'Examples' {
    It '<CommandName> shows -<ParameterName> in use' -ForEach $exampleCases {
        $code = @((Get-Help $CommandName -Full).Examples.Example | ForEach-Object { Get-HelpText $_.Code }) -join "`n"
        $code | Should -Match "-$ParameterName\b" -Because "no example of $CommandName uses -$ParameterName by name ($FixHint)"
    }
}

Describe 'About topic <Topic>' -ForEach $aboutCases {
    It 'is built into en-US/<Topic>.help.txt' {
        Join-Path $HelpFolder "$Topic.help.txt" | Should -Exist -Because "docs/$Topic.md has no en-US/$Topic.help.txt ($FixHint)"
    }

    It 'is found by Get-Help <Topic>' {
        $text = Get-Help $Topic | Out-String
        $text | Should -Match 'LONG DESCRIPTION' -Because "Get-Help $Topic does not show the topic from the built module (file name case matters on Linux)"
    }
}

Describe 'en-US/' {
    It 'is up to date with docs/ and the built cmdlets' {
        # Regenerates into a temporary folder in a child pwsh (as build.ps1 does) and compares bytes with en-US/.
        $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
        $output = & $pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'tools/Build-Help.ps1') -Check `
            -ModulePath $ModulePath -DocsPath (Join-Path $RepoRoot 'docs') -OutputPath $HelpFolder 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "en-US/ is stale: $(($output | Out-String).Trim())"
    }

    It 'agrees with the SYNTAX and parameter metadata in docs/' {
        # Get-Help takes metadata from the code; this keeps the markdown people read on the web honest too.
        . (Join-Path $RepoRoot 'tools/Build-Help.ps1')
        $problems = foreach ($command in Get-ExportedHelpCommand $ModulePath) {
            $doc = Join-Path $RepoRoot "docs/$($command.Name).md"
            if (Test-Path $doc) { Compare-CommandDoc (Read-CommandDoc $doc) $command }
        }
        $problems | Should -BeNullOrEmpty -Because 'docs/*.md should match the cmdlets (tools/Build-Help.ps1 -Scaffold shows the expected SYNTAX and yaml for a new file)'
    }
}

# Issue 10 item 21: Get-Help -Online and the gallery page must not send anyone to an address that does not exist. The
# project has none yet, so neither the help nor the manifest names one (the cmdlets declare no HelpUri either).
Describe 'Addresses of the project' {
    It 'are not made up: no link to the project in the help, the docs front matter, the manifest or a HelpUri' {
        $project = 'Ultra.DockerModel'
        $uris = @(
            ([xml](Get-Content -Raw (Join-Path $HelpFolder 'Ultra.DockerModel.dll-Help.xml'))).GetElementsByTagName('maml:uri') | ForEach-Object InnerText
            Get-ChildItem (Join-Path $RepoRoot 'docs') -Filter *.md | Select-String '^online version:\s*(\S+)' | ForEach-Object { $_.Matches[0].Groups[1].Value }
            (Import-PowerShellDataFile $ModulePath).PrivateData.PSData.Values | Where-Object { "$_" -match '^https?://' }
            (Get-Module Ultra.DockerModel).ExportedCommands.Values | ForEach-Object HelpUri
        ) | Where-Object { $_ }
        $uris | Where-Object { $_ -match [regex]::Escape($project) } | Should -BeNullOrEmpty
    }
}
