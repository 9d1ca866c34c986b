<#
.SYNOPSIS
    Builds the help that ships (en-US/) from docs/: MAML for the cmdlets, about_*.help.txt for the about topics.
.DESCRIPTION
    PlatyPS is not available, so this script does its New-ExternalHelp job. It reads docs/<Command>.md (the
    PlatyPS markdown schema) and docs/about_*.md, and writes:
      en-US/<RootModule>-Help.xml   MAML that Get-Help reads (Ultra.DockerModel.dll-Help.xml)
      en-US/about_<Topic>.help.txt  plain-text about topics, wrapped at 80 columns
    Parameter METADATA (type, position, mandatory, pipeline input, sets, aliases, wildcards) comes from the
    imported module's Get-Command, so Get-Help cannot drift from the code; DESCRIPTIONS come from the markdown.
    Output is byte-identical on rerun (UTF-8 without BOM, LF line ends, no timestamps), so a stale en-US/ can
    be detected by regenerating it and comparing bytes (-Check).

    Dot-source the script to get its functions without running it (the Pester help tests do).
.EXAMPLE
    dotnet pwsh ./build.ps1 -Task Help
    The usual way: builds the module, then runs this script in a child pwsh and copies en-US/ into the module.
.EXAMPLE
    dotnet pwsh ./tools/Build-Help.ps1 -Check
    Regenerates into a temporary folder and exits 1, listing the files, when the committed en-US/ differs.
.EXAMPLE
    dotnet pwsh ./tools/Build-Help.ps1 -Scaffold
    Writes docs/<Command>.md for each exported command that has none yet: SYNTAX and parameter yaml filled in
    from the code, {{ ... }} placeholders for the text. Existing files are never touched.
#>
[CmdletBinding(DefaultParameterSetName = 'Build')]
param(
    # The built module's manifest; its exported commands are the ones documented.
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Ultra.DockerModel/Ultra.DockerModel.psd1'),
    [string] $DocsPath = (Join-Path $PSScriptRoot '../docs'),
    # Where the help is written; with -Check, the folder compared against.
    [string] $OutputPath = (Join-Path $PSScriptRoot '../en-US'),
    [Parameter(ParameterSetName = 'Check')]
    [switch] $Check,
    [Parameter(ParameterSetName = 'Scaffold')]
    [switch] $Scaffold
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$script:MamlNamespaces = [ordered]@{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
$script:Utf8NoBom = [System.Text.UTF8Encoding]::new($false)
$script:AboutWidth = 80
# Common parameters are documented by about_CommonParameters; WhatIf/Confirm are in the syntax but need no doc text.
$script:CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
$script:ShouldProcessParameters = [System.Management.Automation.Cmdlet]::OptionalCommonParameters
$script:StandardDescriptions = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

#region Markdown reading ------------------------------------------------------------------------------------------

# Splits lines into sections at headings of one level, ignoring '#' lines inside code fences (PowerShell comments).
function Split-MarkdownSection([string[]] $Lines, [int] $Level) {
    $marker = ('#' * $Level) + ' '
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = [pscustomobject]@{ Title = ''; Lines = [System.Collections.Generic.List[string]]::new() }
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker)) {
            $sections.Add($current)
            $current = [pscustomobject]@{ Title = $line.Substring($marker.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            continue
        }
        $current.Lines.Add($line)
    }
    $sections.Add($current)
    # The first entry holds what came before the first heading.
    $sections
}

# Front matter ('key: value' lines between two '---' lines) and the body lines after it.
function Read-MarkdownFile([string] $Path) {
    $text = [System.IO.File]::ReadAllText($Path, $script:Utf8NoBom).TrimStart([char]0xFEFF) -replace "`r`n?", "`n"
    $lines = $text.Split("`n")
    $front = [ordered]@{}
    $start = 0
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i].Trim() -eq '---') { $start = $i + 1; break }
            if ($lines[$i] -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $front[$Matches[1]] = $Matches[2] }
        }
    }
    $body = if ($start -lt $lines.Count) { [string[]]$lines[$start..($lines.Count - 1)] } else { [string[]]@() }
    [pscustomobject]@{ Path = $Path; FrontMatter = $front; Lines = $body }
}

# Markdown blocks: Paragraph, ListItem, Code, Table, Heading. Enough for help text; no nesting beyond list continuation.
function ConvertTo-MarkdownBlock([string[]] $Lines) {
    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = $null
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        $trimmed = $line.Trim()
        if ($trimmed -match '^(```|~~~)\s*(\S*)') {
            $fence = $Matches[1]; $lang = $Matches[2]
            $code = [System.Collections.Generic.List[string]]::new()
            $indent = $line.Length - $line.TrimStart().Length
            for ($i++; $i -lt $Lines.Count -and -not $Lines[$i].Trim().StartsWith($fence); $i++) {
                $l = $Lines[$i]
                # Keep the code's own indentation, minus the fence's.
                $code.Add($(if ($l.Length -ge $indent -and $l.Substring(0, $indent).Trim() -eq '') { $l.Substring($indent) } else { $l.TrimStart() }).TrimEnd())
            }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Language = $lang.ToLowerInvariant(); Text = ($code -join "`n"); Marker = '' })
            $paragraph = $null; $i++; continue
        }
        if ($trimmed -eq '') { $paragraph = $null; $i++; continue }
        if ($trimmed -match '^(#{3,6})\s+(.*)$') {
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Language = ''; Text = $Matches[2].Trim(); Marker = $Matches[1] })
            $paragraph = $null; $i++; continue
        }
        if ($trimmed.StartsWith('|')) {
            # Tables are kept as typed (the separator row dropped): they only read well as fixed text.
            if ($trimmed -notmatch '^\|[\s:|-]+\|$') {
                if ($paragraph -and $paragraph.Kind -eq 'Table') { $paragraph.Text += "`n$trimmed" }
                else { $paragraph = [pscustomobject]@{ Kind = 'Table'; Language = ''; Text = $trimmed; Marker = '' }; $blocks.Add($paragraph) }
            }
            $i++; continue
        }
        if ($trimmed -match '^([-*+]|\d+\.)\s+(.*)$') {
            $paragraph = [pscustomobject]@{ Kind = 'ListItem'; Language = ''; Text = $Matches[2]; Marker = $Matches[1] }
            $blocks.Add($paragraph); $i++; continue
        }
        if ($paragraph -and $paragraph.Kind -in 'Paragraph', 'ListItem') { $paragraph.Text += " $trimmed" }
        else { $paragraph = [pscustomobject]@{ Kind = 'Paragraph'; Language = ''; Text = $trimmed; Marker = '' }; $blocks.Add($paragraph) }
        $i++
    }
    $blocks
}

# Inline markdown to plain help text: links become 'text (url)' (relative links just 'text'), bold marks and
# backslash escapes go. Backtick code spans stay: in a console they still mark code, as in PlatyPS-built help.
function ConvertFrom-MarkdownInline([string] $Text) {
    $parts = [regex]::Split($Text, '(`+[^`]*`+)')
    $out = foreach ($part in $parts) {
        if ($part.StartsWith('`')) { $part; continue }
        $p = [regex]::Replace($part, '\[([^\]]+)\]\(([^)\s]+)\)', {
                param($m)
                $label = $m.Groups[1].Value; $url = $m.Groups[2].Value
                if ($url -notmatch '^[a-z]+://') { $label } elseif ($label -eq $url) { $url } else { "$label ($url)" }
            })
        $p = [regex]::Replace($p, '<([a-z]+://[^>\s]+)>', '$1')
        $p = $p -replace '\*\*(.+?)\*\*', '$1' -replace '__(.+?)__', '$1'
        $p -replace '\\([\\`*_{}\[\]()#+\-.!<>|])', '$1'
    }
    ($out -join '').Trim()
}

# The paragraphs of a block list as MAML sees them: one para per paragraph or list item, code kept line by line.
function ConvertTo-HelpParagraph([object[]] $Blocks) {
    foreach ($b in $Blocks) {
        switch ($b.Kind) {
            'Paragraph' { ConvertFrom-MarkdownInline $b.Text }
            'ListItem' { "$($b.Marker -replace '^[*+]$', '-') $(ConvertFrom-MarkdownInline $b.Text)" }
            'Heading' { (ConvertFrom-MarkdownInline $b.Text).ToUpperInvariant() }
            'Table' { $b.Text }
            # Get-Help indents every line of a para alike (and trims the first), so code keeps its own indentation only.
            'Code' { $b.Text }
        }
    }
}

function Get-SectionLines($Sections, [string] $Title) {
    $section = @($Sections | Where-Object { $_.Title -eq $Title })
    if ($section.Count -eq 0) { return [string[]]@() }
    [string[]]$section[0].Lines
}

# A 'key: value' yaml block as PlatyPS writes it for a parameter (flat keys only).
function ConvertFrom-ParameterYaml([string] $Text) {
    $values = @{}
    foreach ($line in $Text.Split("`n")) {
        if ($line -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $values[$Matches[1]] = $Matches[2] }
    }
    $values
}

# The whole of docs/<Command>.md as data: synopsis, description, examples, parameters, inputs, outputs, notes, links.
function Read-CommandDoc([string] $Path) {
    $file = Read-MarkdownFile $Path
    $top = @(Split-MarkdownSection $file.Lines 1)
    $sections = @(Split-MarkdownSection ($top | Select-Object -Skip 1 | ForEach-Object { $_.Lines }) 2)
    $name = if ($top.Count -gt 1) { $top[1].Title } else { [System.IO.Path]::GetFileNameWithoutExtension($Path) }

    $examples = foreach ($ex in (Split-MarkdownSection (Get-SectionLines $sections 'EXAMPLES') 3 | Select-Object -Skip 1)) {
        $blocks = @(ConvertTo-MarkdownBlock $ex.Lines)
        # PowerShell fences (or fences without a language) are the example's code; anything else is remarks.
        $isCode = { $_.Kind -eq 'Code' -and $_.Language -in '', 'powershell', 'pwsh', 'ps', 'ps1' }
        [pscustomobject]@{
            Title   = ConvertFrom-MarkdownInline $ex.Title
            Code    = (@($blocks | Where-Object $isCode | ForEach-Object Text) -join "`n`n")
            Remarks = @(ConvertTo-HelpParagraph @($blocks | Where-Object { -not (& $isCode) }))
        }
    }

    $parameters = [ordered]@{}
    foreach ($p in (Split-MarkdownSection (Get-SectionLines $sections 'PARAMETERS') 3 | Select-Object -Skip 1)) {
        if ($p.Title -notmatch '^-(\S+)') { continue } # '### CommonParameters'
        $parameterName = $Matches[1]
        $blocks = @(ConvertTo-MarkdownBlock $p.Lines)
        $yaml = @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' })
        $parameters[$parameterName] = [pscustomobject]@{
            Name        = $parameterName
            Description = @(ConvertTo-HelpParagraph @($blocks | Where-Object { -not ($_.Kind -eq 'Code' -and $_.Language -eq 'yaml') }))
            Yaml        = $(if ($yaml) { ConvertFrom-ParameterYaml $yaml[0].Text } else { @{} })
        }
    }

    [pscustomobject]@{
        Path           = $Path
        Name           = $name
        FrontMatter    = $file.FrontMatter
        Synopsis       = (@(ConvertTo-HelpParagraph (ConvertTo-MarkdownBlock (Get-SectionLines $sections 'SYNOPSIS'))) -join ' ')
        SyntaxBlocks   = @(ConvertTo-MarkdownBlock (Get-SectionLines $sections 'SYNTAX') | Where-Object Kind -EQ 'Code' | ForEach-Object { $_.Text.Trim() })
        Description    = @(ConvertTo-HelpParagraph (ConvertTo-MarkdownBlock (Get-SectionLines $sections 'DESCRIPTION')))
        Examples       = @($examples)
        Parameters     = $parameters
        Inputs         = @(Read-TypeSection (Get-SectionLines $sections 'INPUTS'))
        Outputs        = @(Read-TypeSection (Get-SectionLines $sections 'OUTPUTS'))
        Notes          = @(ConvertTo-HelpParagraph (ConvertTo-MarkdownBlock (Get-SectionLines $sections 'NOTES')))
        Links          = @(Read-LinkSection (Get-SectionLines $sections 'RELATED LINKS'))
    }
}

# INPUTS/OUTPUTS: '### TypeName' then its description.
function Read-TypeSection([string[]] $Lines) {
    foreach ($t in (Split-MarkdownSection $Lines 3 | Select-Object -Skip 1)) {
        [pscustomobject]@{ Type = $t.Title; Description = @(ConvertTo-HelpParagraph (ConvertTo-MarkdownBlock $t.Lines)) }
    }
}

# RELATED LINKS: one '[text](uri)' (or bare text) per line. Relative .md links have no uri in MAML.
function Read-LinkSection([string[]] $Lines) {
    foreach ($line in $Lines) {
        $t = $line.Trim() -replace '^[-*]\s+', ''
        if ($t -eq '') { continue }
        if ($t -match '^\[([^\]]+)\]\(([^)]*)\)') {
            $text = $Matches[1]; $uri = $Matches[2]
            [pscustomobject]@{ Text = $text; Uri = $(if ($uri -match '^[a-z]+://') { $uri } else { '' }) }
        }
        else { [pscustomobject]@{ Text = $t; Uri = '' } }
    }
}

#endregion
#region Command metadata (from the code) -------------------------------------------------------------------------

# 'String[]', 'LocalModel[]', 'Int32' (for int?), 'List[String]': short names, as PlatyPS writes them.
function Get-TypeDisplayName([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { return Get-TypeDisplayName $underlying }
    if ($Type.IsGenericType) {
        return ($Type.Name -replace '`\d+$', '') + '[' + ((@($Type.GetGenericArguments()) | ForEach-Object { Get-TypeDisplayName $_ }) -join ', ') + ']'
    }
    $Type.Name
}

# Parameter sets in the order help shows them: the default one first, then as declared.
function Get-OrderedParameterSet([System.Management.Automation.CommandInfo] $Command) {
    @($Command.ParameterSets | Where-Object IsDefault) + @($Command.ParameterSets | Where-Object { -not $_.IsDefault })
}

# PowerShell's own display order: positional by position, then mandatory named, then the rest as declared.
function Get-SetParameter([System.Management.Automation.CommandParameterSetInfo] $Set) {
    $own = @($Set.Parameters | Where-Object { $_.Name -notin $script:CommonParameters })
    @($own | Where-Object { $_.Position -ge 0 } | Sort-Object Position) +
    @($own | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) +
    @($own | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory })
}

function Format-PipelineInput([bool] $ByValue, [bool] $ByPropertyName) {
    $kinds = @(if ($ByPropertyName) { 'ByPropertyName' }) + @(if ($ByValue) { 'ByValue' })
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

# One parameter's metadata merged over its sets: what Get-Help -Parameter and the yaml block show.
function Get-ParameterInfo([System.Management.Automation.CommandInfo] $Command) {
    $sets = @(Get-OrderedParameterSet $Command)
    $allSets = @($sets | ForEach-Object Name)
    $names = [System.Collections.Generic.List[string]]::new()
    foreach ($set in $sets) { foreach ($p in Get-SetParameter $set) { if (-not $names.Contains($p.Name)) { $names.Add($p.Name) } } }
    # -WhatIf and -Confirm last, as in the syntax, whatever set they were first seen in.
    foreach ($name in $script:ShouldProcessParameters) { if ($names.Remove($name)) { $names.Add($name) } }
    foreach ($name in $names) {
        $perSet = @(foreach ($set in $sets) {
                $p = $set.Parameters | Where-Object Name -EQ $name
                if ($p) { [pscustomobject]@{ Set = $set.Name; Info = $p } }
            })
        $first = $perSet[0].Info
        $attributes = $Command.Parameters[$name].Attributes
        $validateSet = @($attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] })
        $baseType = if ($first.ParameterType.IsArray) { $first.ParameterType.GetElementType() } else { $first.ParameterType }
        $baseType = if ([Nullable]::GetUnderlyingType($baseType)) { [Nullable]::GetUnderlyingType($baseType) } else { $baseType }
        [pscustomobject]@{
            Name           = $name
            Type           = Get-TypeDisplayName $first.ParameterType
            IsSwitch       = $first.ParameterType -eq [System.Management.Automation.SwitchParameter]
            Required       = @($perSet | Where-Object { -not $_.Info.IsMandatory }).Count -eq 0
            Position       = $(if ($first.Position -ge 0) { [string]$first.Position } else { 'Named' })
            PipelineInput  = Format-PipelineInput (@($perSet | Where-Object { $_.Info.ValueFromPipeline }).Count -gt 0) (@($perSet | Where-Object { $_.Info.ValueFromPipelineByPropertyName }).Count -gt 0)
            Globbing       = @($attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
            Aliases        = @($first.Aliases)
            ParameterSets  = $(if ($perSet.Count -eq $allSets.Count) { '(All)' } else { ($perSet | ForEach-Object Set) -join ', ' })
            AcceptedValues = @(if ($validateSet) { $validateSet[0].ValidValues } elseif ($baseType.IsEnum) { [enum]::GetNames($baseType) })
        }
    }
}

# 'Remove-LocalModel [-Name] <String[]> [-Force] [-WhatIf] [-Confirm] [<CommonParameters>]'
function Format-SyntaxLine([System.Management.Automation.CommandInfo] $Command, [System.Management.Automation.CommandParameterSetInfo] $Set) {
    $parts = foreach ($p in Get-SetParameter $Set) {
        $isSwitch = $p.ParameterType -eq [System.Management.Automation.SwitchParameter]
        $name = if ($p.Position -ge 0) { "[-$($p.Name)]" } else { "-$($p.Name)" }
        $text = if ($isSwitch) { $name } else { "$name <$(Get-TypeDisplayName $p.ParameterType)>" }
        if ($p.IsMandatory) { $text } else { "[$text]" }
    }
    $common = if ($Command.CommandType -eq 'Cmdlet' -or $Command.CmdletBinding) { '[<CommonParameters>]' }
    (@($Command.Name) + @($parts) + @($common) | Where-Object { $_ }) -join ' '
}

# The SYNTAX section PlatyPS would write: one fenced line per set, under '### Set (Default)' when there are several.
function Format-SyntaxMarkdown([System.Management.Automation.CommandInfo] $Command) {
    $sets = @(Get-OrderedParameterSet $Command)
    $out = foreach ($set in $sets) {
        if ($sets.Count -gt 1) { "### $($set.Name)$(if ($set.IsDefault) { ' (Default)' })"; '' }
        '```'; Format-SyntaxLine $Command $set; '```'; ''
    }
    $out
}

function Format-ParameterYaml($Info, [string] $DefaultValue) {
    @(
        '```yaml'
        "Type: $($Info.Type)"
        "Parameter Sets: $($Info.ParameterSets)"
        "Aliases: $($Info.Aliases -join ', ')".TrimEnd()
        $(if ($Info.AcceptedValues) { "Accepted values: $($Info.AcceptedValues -join ', ')" })
        ''
        "Required: $($Info.Required)"
        "Position: $($Info.Position)"
        "Default value: $DefaultValue"
        "Accept pipeline input: $($Info.PipelineInput)"
        "Accept wildcard characters: $($Info.Globbing)"
        '```'
    ) | Where-Object { $null -ne $_ }
}

#endregion
#region Checking the markdown against the code -------------------------------------------------------------------

# Where docs/<Command>.md disagrees with the code: SYNTAX lines, missing or extra parameters, yaml metadata.
# Get-Help is right either way (it uses the code); this keeps the markdown honest for people reading it on the web.
function Compare-CommandDoc($Doc, [System.Management.Automation.CommandInfo] $Command) {
    $expectedSyntax = @(Get-OrderedParameterSet $Command | ForEach-Object { Format-SyntaxLine $Command $_ })
    if (($Doc.SyntaxBlocks -join "`n") -ne ($expectedSyntax -join "`n")) {
        "$($Command.Name): SYNTAX does not match the code; expected: $($expectedSyntax -join ' | ')"
    }
    $infos = @(Get-ParameterInfo $Command)
    foreach ($info in $infos) {
        if ($info.Name -in $script:ShouldProcessParameters) { continue }
        if (-not $Doc.Parameters.Contains($info.Name)) { "$($Command.Name): parameter -$($info.Name) is not in the markdown"; continue }
        $yaml = $Doc.Parameters[$info.Name].Yaml
        $expected = [ordered]@{
            'Type'                       = $info.Type
            'Parameter Sets'             = $info.ParameterSets
            'Aliases'                    = $info.Aliases -join ', '
            'Required'                   = [string]$info.Required
            'Position'                   = $info.Position
            'Accept pipeline input'      = $info.PipelineInput
            'Accept wildcard characters' = [string]$info.Globbing
        }
        foreach ($key in $expected.Keys) {
            $actual = if ($yaml.ContainsKey($key)) { $yaml[$key] } else { '' }
            if ($actual -ne $expected[$key]) { "$($Command.Name): -$($info.Name) yaml '$key' is '$actual'; the code says '$($expected[$key])'" }
        }
    }
    foreach ($name in $Doc.Parameters.Keys) {
        if ($name -notin $infos.Name) { "$($Command.Name): the markdown documents -$name, which the code does not have" }
    }
}

#endregion
#region MAML writing ----------------------------------------------------------------------------------------------

# Adds <prefix:name> under $Parent, with attributes in the given order and optional text.
function Add-MamlElement([System.Xml.XmlNode] $Parent, [string] $Name, $Text = $null, [System.Collections.Specialized.OrderedDictionary] $Attributes = $null) {
    $doc = if ($Parent -is [System.Xml.XmlDocument]) { $Parent } else { $Parent.OwnerDocument }
    $prefix, $local = $Name.Split(':')
    $element = $doc.CreateElement($prefix, $local, $script:MamlNamespaces[$prefix])
    if ($Attributes) { foreach ($key in $Attributes.Keys) { $element.SetAttribute($key, [string]$Attributes[$key]) } }
    if ($null -ne $Text) { $element.InnerText = $Text }
    $Parent.AppendChild($element)
}

function Add-MamlParagraph([System.Xml.XmlNode] $Parent, [string[]] $Paragraphs) {
    foreach ($p in $Paragraphs) { $null = Add-MamlElement $Parent 'maml:para' $p }
}

# A <command:parameter>; in a syntax item switches carry no parameterValue, so Get-Help shows [-Force], not [-Force <SwitchParameter>].
function Add-MamlParameter([System.Xml.XmlNode] $Parent, $Info, [string[]] $Description, [string] $DefaultValue, [bool] $InSyntax, [bool] $Required, [string] $Position) {
    $attributes = [ordered]@{
        required       = $Required.ToString().ToLowerInvariant()
        variableLength = 'true'
        globbing       = $Info.Globbing.ToString().ToLowerInvariant()
        pipelineInput  = $Info.PipelineInput
        position       = $Position.ToLowerInvariant()
        aliases        = $(if ($Info.Aliases) { $Info.Aliases -join ', ' } else { 'none' })
    }
    $p = Add-MamlElement $Parent 'command:parameter' -Attributes $attributes
    $null = Add-MamlElement $p 'maml:name' $Info.Name
    Add-MamlParagraph (Add-MamlElement $p 'maml:description') $Description
    if ($InSyntax -and $Info.AcceptedValues) {
        $group = Add-MamlElement $p 'command:parameterValueGroup'
        foreach ($v in $Info.AcceptedValues) { $null = Add-MamlElement $group 'command:parameterValue' $v ([ordered]@{ required = 'false'; variableLength = 'false' }) }
    }
    if (-not ($InSyntax -and $Info.IsSwitch)) {
        $null = Add-MamlElement $p 'command:parameterValue' $Info.Type ([ordered]@{ required = (-not $Info.IsSwitch).ToString().ToLowerInvariant(); variableLength = 'false' })
    }
    $type = Add-MamlElement $p 'dev:type'
    $null = Add-MamlElement $type 'maml:name' $Info.Type
    $null = Add-MamlElement $type 'maml:uri' ''
    $null = Add-MamlElement $p 'dev:defaultValue' $DefaultValue
}

function Get-ParameterDescription($Doc, [string] $Name) {
    if ($Doc.Parameters.Contains($Name) -and $Doc.Parameters[$Name].Description) { return $Doc.Parameters[$Name].Description }
    if ($script:StandardDescriptions.ContainsKey($Name)) { return @($script:StandardDescriptions[$Name]) }
    @()
}

function Get-ParameterDefault($Doc, $Info) {
    if ($Doc.Parameters.Contains($Info.Name) -and $Doc.Parameters[$Info.Name].Yaml.ContainsKey('Default value')) {
        $value = $Doc.Parameters[$Info.Name].Yaml['Default value']
        if ($value) { return $value }
    }
    if ($Info.IsSwitch) { 'False' } else { 'None' }
}

# '---------- Example 1: Title ----------', the way Get-Help shows example titles.
function Format-ExampleTitle([string] $Title) {
    $dashes = '-' * [Math]::Max(10, [int][Math]::Floor((64 - $Title.Length - 2) / 2))
    "$dashes $Title $dashes"
}

function Add-MamlCommand([System.Xml.XmlNode] $Parent, $Doc, [System.Management.Automation.CommandInfo] $Command) {
    $cmd = Add-MamlElement $Parent 'command:command'
    foreach ($prefix in $script:MamlNamespaces.Keys) { $cmd.SetAttribute("xmlns:$prefix", $script:MamlNamespaces[$prefix]) }

    $details = Add-MamlElement $cmd 'command:details'
    $null = Add-MamlElement $details 'command:name' $Command.Name
    $verb, $noun = $Command.Name.Split('-', 2)
    $null = Add-MamlElement $details 'command:verb' $verb
    $null = Add-MamlElement $details 'command:noun' $(if ($noun) { $noun } else { '' })
    Add-MamlParagraph (Add-MamlElement $details 'maml:description') @($Doc.Synopsis)
    Add-MamlParagraph (Add-MamlElement $cmd 'maml:description') $Doc.Description

    $infos = @(Get-ParameterInfo $Command)
    $syntax = Add-MamlElement $cmd 'command:syntax'
    foreach ($set in Get-OrderedParameterSet $Command) {
        $item = Add-MamlElement $syntax 'command:syntaxItem'
        $null = Add-MamlElement $item 'maml:name' $Command.Name
        foreach ($p in Get-SetParameter $set) {
            $info = $infos | Where-Object Name -EQ $p.Name
            $position = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
            Add-MamlParameter $item $info (Get-ParameterDescription $Doc $p.Name) (Get-ParameterDefault $Doc $info) $true $p.IsMandatory $position
        }
    }

    # Parameters in the markdown's order (the author's choice), then any the markdown lacks, in code order.
    $ordered = @($Doc.Parameters.Keys | ForEach-Object { $n = $_; $infos | Where-Object Name -EQ $n }) +
    @($infos | Where-Object { -not $Doc.Parameters.Contains($_.Name) })
    $parameters = Add-MamlElement $cmd 'command:parameters'
    foreach ($info in $ordered) {
        Add-MamlParameter $parameters $info (Get-ParameterDescription $Doc $info.Name) (Get-ParameterDefault $Doc $info) $false $info.Required $info.Position
    }

    foreach ($section in @(@('command:inputTypes', 'command:inputType', $Doc.Inputs), @('command:returnValues', 'command:returnValue', $Doc.Outputs))) {
        $list = Add-MamlElement $cmd $section[0]
        foreach ($t in $section[2]) {
            $entry = Add-MamlElement $list $section[1]
            $null = Add-MamlElement (Add-MamlElement $entry 'dev:type') 'maml:name' $t.Type
            Add-MamlParagraph (Add-MamlElement $entry 'maml:description') $t.Description
        }
    }

    Add-MamlParagraph (Add-MamlElement (Add-MamlElement $cmd 'maml:alertSet') 'maml:alert') $Doc.Notes

    $examples = Add-MamlElement $cmd 'command:examples'
    foreach ($ex in $Doc.Examples) {
        $example = Add-MamlElement $examples 'command:example'
        $null = Add-MamlElement $example 'maml:title' (Format-ExampleTitle $ex.Title)
        $null = Add-MamlElement $example 'dev:code' $ex.Code
        # The empty para ends the remarks with a blank line, so the next example's title does not touch them.
        Add-MamlParagraph (Add-MamlElement $example 'dev:remarks') (@($ex.Remarks) + '')
    }

    # Get-Help -Online opens the first link that has a uri: the 'online version' comes first, as with PlatyPS.
    $links = Add-MamlElement $cmd 'command:relatedLinks'
    $online = if ($Doc.FrontMatter.Contains('online version')) { $Doc.FrontMatter['online version'] } else { '' }
    $allLinks = @(if ($online) { [pscustomobject]@{ Text = 'Online Version:'; Uri = $online } }) + @($Doc.Links)
    foreach ($link in $allLinks) {
        $nav = Add-MamlElement $links 'maml:navigationLink'
        $null = Add-MamlElement $nav 'maml:linkText' $link.Text
        $null = Add-MamlElement $nav 'maml:uri' $link.Uri
    }
}

# The MAML document as bytes: UTF-8 without BOM, two-space indent, LF line ends, a final newline.
function ConvertTo-MamlBytes([object[]] $Entries) {
    $doc = [System.Xml.XmlDocument]::new()
    $null = $doc.AppendChild($doc.CreateXmlDeclaration('1.0', 'utf-8', $null))
    $root = $doc.CreateElement('helpItems', 'http://msh')
    $root.SetAttribute('schema', 'maml')
    $null = $doc.AppendChild($root)
    foreach ($e in $Entries) { Add-MamlCommand $root $e.Doc $e.Command }

    $settings = [System.Xml.XmlWriterSettings]@{ Encoding = $script:Utf8NoBom; Indent = $true; IndentChars = '  '; NewLineChars = "`n"; NewLineHandling = 'Replace' }
    $stream = [System.IO.MemoryStream]::new()
    $writer = [System.Xml.XmlWriter]::Create($stream, $settings)
    $doc.Save($writer)
    $writer.Dispose()
    $stream.WriteByte(10) # a final newline, as text files have
    , $stream.ToArray()
}

#endregion
#region About topics ----------------------------------------------------------------------------------------------

# Word-wraps one paragraph: the first line starts with $FirstPrefix, the others with $RestPrefix.
# A short `code span` is kept on one line: a command broken after `Get-Command` would read as two.
function Format-WrappedText([string] $Text, [string] $FirstPrefix, [string] $RestPrefix, [int] $Width = $script:AboutWidth) {
    $glue = [char]0xE000 # a private-use character stands in for the spaces inside code spans while splitting
    $Text = [regex]::Replace($Text, '`[^`]*`', { param($m) if ($m.Length -le 40) { $m.Value.Replace(' ', $glue) } else { $m.Value } })
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = $FirstPrefix
    $empty = $true
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ } | ForEach-Object { $_.Replace($glue, ' ') })) {
        if (-not $empty -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add($line); $line = $RestPrefix + $word
        }
        else { $line = if ($empty) { $line + $word } else { "$line $word" } }
        $empty = $false
    }
    $lines.Add($line.TrimEnd())
    $lines
}

# docs/about_X.md -> the classic about layout: TOPIC, then '##' headings in capitals at column 0, text indented
# four spaces and wrapped at 80 columns, '###' headings at column 2, code indented eight and never wrapped.
function ConvertTo-AboutText([string] $Path) {
    $file = Read-MarkdownFile $Path
    $top = @(Split-MarkdownSection $file.Lines 1)
    $topic = if ($top.Count -gt 1) { $top[1].Title } else { [System.IO.Path]::GetFileNameWithoutExtension($Path) }
    $sections = @(Split-MarkdownSection ($top | Select-Object -Skip 1 | ForEach-Object { $_.Lines }) 2)
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC'); $out.Add("    $topic")
    foreach ($section in ($sections | Select-Object -Skip 1)) {
        $out.Add(''); $out.Add($section.Title.ToUpperInvariant())
        $first = $true
        foreach ($b in ConvertTo-MarkdownBlock $section.Lines) {
            # Consecutive list items stay together; everything else is separated by a blank line.
            if (-not $first -and -not ($b.Kind -eq 'ListItem' -and $previous.Kind -eq 'ListItem')) { $out.Add('') }
            switch ($b.Kind) {
                'Paragraph' { $out.AddRange([string[]](Format-WrappedText (ConvertFrom-MarkdownInline $b.Text) '    ' '    ')) }
                'ListItem' {
                    $marker = ($b.Marker -replace '^[*+]$', '-') + ' '
                    $out.AddRange([string[]](Format-WrappedText (ConvertFrom-MarkdownInline $b.Text) "    $marker" ('    ' + ' ' * $marker.Length)))
                }
                'Heading' { $out.AddRange([string[]](Format-WrappedText (ConvertFrom-MarkdownInline $b.Text) '  ' '  ')) }
                'Code' { foreach ($l in $b.Text.Split("`n")) { $out.Add("        $l".TrimEnd()) } }
                'Table' { foreach ($l in $b.Text.Split("`n")) { $out.Add("    $l") } }
            }
            $previous = $b; $first = $false
        }
    }
    [pscustomobject]@{ Topic = $topic; Text = ($out -join "`n") + "`n" }
}

#endregion
#region Build, check, scaffold ------------------------------------------------------------------------------------

# The commands the module exports (cmdlets and functions), sorted, so new cmdlets are picked up without a list here.
function Get-ExportedHelpCommand([string] $ModulePath) {
    $module = Import-Module (Resolve-Path $ModulePath).Path -Force -PassThru -ErrorAction Stop
    $module.ExportedCommands.Values | Where-Object CommandType -In 'Cmdlet', 'Function' | Sort-Object Name -Culture ([cultureinfo]::InvariantCulture)
}

# Builds every help file in memory: a map from file name to bytes, plus warnings about the docs.
function Build-HelpContent([string] $ModulePath, [string] $DocsPath) {
    $files = [ordered]@{}
    $warnings = [System.Collections.Generic.List[string]]::new()
    $commands = @(Get-ExportedHelpCommand $ModulePath)
    $rootModule = (Import-PowerShellDataFile (Resolve-Path $ModulePath).Path).RootModule
    $defaultMamlFile = "$([System.IO.Path]::GetFileName($rootModule))-Help.xml"

    $docFiles = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' -File | Where-Object Name -NotLike 'about_*' | Sort-Object Name -Culture ([cultureinfo]::InvariantCulture))
    $byMamlFile = [ordered]@{}
    foreach ($command in $commands) {
        $docFile = $docFiles | Where-Object { $_.BaseName -eq $command.Name }
        if (-not $docFile) { $warnings.Add("$($command.Name): no docs/$($command.Name).md (run tools/Build-Help.ps1 -Scaffold); Get-Help will show only the syntax."); continue }
        $doc = Read-CommandDoc $docFile.FullName
        if ($doc.Name -ne $command.Name) { $warnings.Add("docs/$($docFile.Name): its heading '# $($doc.Name)' should be '# $($command.Name)'.") }
        foreach ($w in Compare-CommandDoc $doc $command) { $warnings.Add($w) }
        # Each command goes to the MAML file its front matter names (a binary module has one: <dll>-Help.xml).
        $target = if ($doc.FrontMatter.Contains('external help file') -and $doc.FrontMatter['external help file']) { $doc.FrontMatter['external help file'] } else { $defaultMamlFile }
        if ($target -ne $defaultMamlFile) { $warnings.Add("$($command.Name): 'external help file: $target' is not $defaultMamlFile, which Get-Help reads for this module.") }
        if (-not $byMamlFile.Contains($target)) { $byMamlFile[$target] = [System.Collections.Generic.List[object]]::new() }
        $byMamlFile[$target].Add([pscustomobject]@{ Doc = $doc; Command = $command })
    }
    foreach ($docFile in $docFiles) {
        # Only PlatyPS cmdlet pages (front matter first) can be stale; plain pages such as benchmarks.md are not help.
        $isCmdletPage = (Get-Content -LiteralPath $docFile.FullName -TotalCount 1) -eq '---'
        if ($isCmdletPage -and $docFile.BaseName -notin $commands.Name) { $warnings.Add("docs/$($docFile.Name) documents no exported command; it is ignored.") }
    }
    foreach ($target in $byMamlFile.Keys) { $files[$target] = ConvertTo-MamlBytes $byMamlFile[$target] }

    foreach ($about in Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md' -File | Sort-Object Name -Culture ([cultureinfo]::InvariantCulture)) {
        $topic = ConvertTo-AboutText $about.FullName
        if ($topic.Topic -ne $about.BaseName) { $warnings.Add("docs/$($about.Name): its heading '# $($topic.Topic)' should be the file name '$($about.BaseName)'.") }
        $files["$($about.BaseName).help.txt"] = $script:Utf8NoBom.GetBytes($topic.Text)
    }
    [pscustomobject]@{ Files = $files; Warnings = $warnings }
}

# Writes the files; removes help files this build no longer produces (a deleted about topic), nothing else.
function Write-HelpContent($Content, [string] $OutputPath) {
    $null = New-Item -ItemType Directory -Path $OutputPath -Force
    foreach ($name in $Content.Files.Keys) { [System.IO.File]::WriteAllBytes((Join-Path $OutputPath $name), [byte[]]$Content.Files[$name]) }
    Get-ChildItem -LiteralPath $OutputPath -File | Where-Object { ($_.Name -like '*-Help.xml' -or $_.Name -like 'about_*.help.txt') -and -not $Content.Files.Contains($_.Name) } |
        Remove-Item -Force
}

# The differences between a fresh build ($Expected) and a help folder ($Actual), one line per file; empty when they
# are byte-identical. Bytes, not text: a CRLF checkout of en-US/ is a difference too, as it would ship that way.
function Compare-HelpFolder([string] $Expected, [string] $Actual) {
    $expectedFiles = @(if (Test-Path $Expected) { Get-ChildItem -LiteralPath $Expected -File | ForEach-Object Name })
    $actualFiles = @(if (Test-Path $Actual) { Get-ChildItem -LiteralPath $Actual -File | ForEach-Object Name })
    foreach ($name in ($expectedFiles + $actualFiles | Sort-Object -Unique -Culture ([cultureinfo]::InvariantCulture))) {
        if ($name -cnotin $actualFiles) { "missing: $name"; continue }
        if ($name -cnotin $expectedFiles) { "no longer built from docs/ (delete it): $name"; continue }
        $a = [System.IO.File]::ReadAllBytes((Join-Path $Expected $name))
        $b = [System.IO.File]::ReadAllBytes((Join-Path $Actual $name))
        if (-not [System.Linq.Enumerable]::SequenceEqual($a, $b)) { "out of date: $name" }
    }
}

# A skeleton docs/<Command>.md in the PlatyPS schema, with SYNTAX and yaml from the code and {{ }} placeholders.
function New-CommandDocMarkdown([System.Management.Automation.CommandInfo] $Command, [string] $MamlFile, [string] $ModuleName) {
    $lines = @(
        '---'
        "external help file: $MamlFile"
        "Module Name: $ModuleName"
        'online version:'
        'schema: 2.0.0'
        '---'
        ''
        "# $($Command.Name)"
        ''
        '## SYNOPSIS'
        '{{ Fill in the Synopsis }}'
        ''
        '## SYNTAX'
        ''
        Format-SyntaxMarkdown $Command
        '## DESCRIPTION'
        '{{ Fill in the Description }}'
        ''
        '## EXAMPLES'
        ''
        '### Example 1: {{ Add example title }}'
        '```powershell'
        '{{ Add example code here }}'
        '```'
        ''
        '{{ Add example description here }}'
        ''
        '## PARAMETERS'
        ''
    )
    foreach ($info in Get-ParameterInfo $Command) {
        $description = if ($script:StandardDescriptions.ContainsKey($info.Name)) { $script:StandardDescriptions[$info.Name] } else { "{{ Fill $($info.Name) Description }}" }
        $lines += @("### -$($info.Name)", $description, '') + @(Format-ParameterYaml $info $(if ($info.IsSwitch) { 'False' } else { 'None' })) + ''
    }
    $lines += @(
        '### CommonParameters'
        'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).'
        ''
        '## INPUTS'
        ''
        '### {{ Input type }}'
        ''
        '## OUTPUTS'
        ''
    )
    foreach ($t in $Command.OutputType) { $lines += @("### $($t.Name)", '') }
    $lines += @('## NOTES', '', '## RELATED LINKS', '', '[about_Ultra.DockerModel](about_Ultra.DockerModel.md)', '')
    ($lines -join "`n")
}

function Invoke-HelpScaffold([string] $ModulePath, [string] $DocsPath) {
    $manifest = Import-PowerShellDataFile (Resolve-Path $ModulePath).Path
    $mamlFile = "$([System.IO.Path]::GetFileName($manifest.RootModule))-Help.xml"
    $moduleName = [System.IO.Path]::GetFileNameWithoutExtension($ModulePath)
    foreach ($command in Get-ExportedHelpCommand $ModulePath) {
        $path = Join-Path $DocsPath "$($command.Name).md"
        if (Test-Path $path) { continue }
        [System.IO.File]::WriteAllText($path, (New-CommandDocMarkdown $command $mamlFile $moduleName), $script:Utf8NoBom)
        Write-Host "Wrote ${path}: fill in the {{ }} placeholders."
    }
}

#endregion

# Dot-sourced (by the tests): define the functions only.
if ($MyInvocation.InvocationName -eq '.') { return }

$ModulePath, $DocsPath, $OutputPath = foreach ($p in $ModulePath, $DocsPath, $OutputPath) { [System.IO.Path]::GetFullPath($p, $PWD.ProviderPath) }
if ($Scaffold) { Invoke-HelpScaffold $ModulePath $DocsPath; return }

$content = Build-HelpContent $ModulePath $DocsPath
foreach ($w in $content.Warnings) { Write-Warning $w }

if ($Check) {
    $temp = Join-Path ([System.IO.Path]::GetTempPath()) "help-check-$([guid]::NewGuid().ToString('n'))"
    try {
        Write-HelpContent $content $temp
        $differences = @(Compare-HelpFolder $temp $OutputPath)
    }
    finally { Remove-Item $temp -Recurse -Force -ErrorAction SilentlyContinue }
    if ($differences) {
        Write-Host "The help in $OutputPath is stale (docs/ or the cmdlets changed since it was built):"
        $differences | ForEach-Object { Write-Host "  $_" }
        Write-Host 'Run: dotnet pwsh ./build.ps1 -Task Help   and commit en-US/.'
        exit 1
    }
    Write-Host "The help in $OutputPath is up to date."
    exit 0
}

Write-HelpContent $content $OutputPath
Write-Host "Help written: $(($content.Files.Keys | ForEach-Object { Join-Path $OutputPath $_ }) -join ', ')"
