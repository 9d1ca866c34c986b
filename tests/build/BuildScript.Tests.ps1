# build.ps1's tasks as a user runs them (issue 11): Build (skipped when nothing changed, issue 16), Help, Package (with the PowerShell Gallery round trip), Bench
# -Quick and Clean; Build and Test are what runs these. Each task runs in a child pwsh, as from a shell. build.ps1
# -Task Test runs this folder after the module's suite (tests/pester), because these tasks rebuild out/.

BeforeAll {
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $script:ModuleOut = Join-Path $RepoRoot 'out/Ultra.DockerModel'

    # Runs build.ps1 (of $Root) in a child pwsh; returns its exit code and output.
    function Invoke-BuildTask([string[]] $Arguments, [string] $Root = $RepoRoot) {
        $output = & $Pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $Root 'build.ps1') @Arguments 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($output | Out-String) }
    }

    # Paths of the files under a folder, relative to it with '/' separators, sorted.
    function Get-RelativeFile([string] $Folder) {
        $full = (Resolve-Path $Folder).Path
        @(Get-ChildItem $full -Recurse -File | ForEach-Object { $_.FullName.Substring($full.Length + 1).Replace('\', '/') } | Sort-Object)
    }
}

Describe 'build.ps1 -Task Build' -Tag BuildScript {
    It 'builds again when a file it reads has changed' {
        # A new file among the sources (not compiled): what the module is built from is no longer what it was.
        (Invoke-BuildTask -Arguments '-Task', 'Build').ExitCode | Should -Be 0 # up to date (the suite's build) or built now
        $extra = Join-Path $RepoRoot ('src/build-input-test-' + [guid]::NewGuid().ToString('N') + '.txt')
        Set-Content -LiteralPath $extra -Value 'changed'
        try {
            $started = [datetime]::UtcNow
            $run = Invoke-BuildTask -Arguments '-Task', 'Build'
            $run.ExitCode | Should -Be 0 -Because $run.Text
            $run.Text | Should -Match 'Module built'
            (Get-Item (Join-Path $ModuleOut 'Ultra.DockerModel.psd1')).LastWriteTimeUtc | Should -BeGreaterThan $started
        }
        finally { Remove-Item -LiteralPath $extra }
    }
    It 'does nothing when nothing it reads has changed since the last build' {
        (Invoke-BuildTask -Arguments '-Task', 'Build').ExitCode | Should -Be 0
        $manifest = Join-Path $ModuleOut 'Ultra.DockerModel.psd1'
        $before = (Get-Item $manifest).LastWriteTimeUtc
        $run = Invoke-BuildTask -Arguments '-Task', 'Build'
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'Module up to date'
        (Get-Item $manifest).LastWriteTimeUtc | Should -Be $before
    }
}

Describe 'build.ps1 -Task Help' -Tag BuildScript {
    It 'builds the module and lays the help from en-US/ into it' {
        $run = Invoke-BuildTask -Arguments '-Task', 'Help'
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $shipped = Join-Path $ModuleOut 'en-US'
        Join-Path $shipped 'Ultra.DockerModel.dll-Help.xml' | Should -Exist
        Get-RelativeFile $shipped | Should -Be (Get-RelativeFile (Join-Path $RepoRoot 'en-US'))
        foreach ($file in Get-RelativeFile $shipped) {
            (Get-FileHash (Join-Path $shipped $file)).Hash | Should -Be (Get-FileHash (Join-Path $RepoRoot "en-US/$file")).Hash -Because "en-US/$file is shipped as built"
        }
    }
}

Describe 'build.ps1 -Task Package' -Tag BuildScript {
    BeforeAll {
        $run = Invoke-BuildTask -Arguments '-Task', 'Package'
        $packages = @(Get-ChildItem (Join-Path $RepoRoot 'out') -Filter 'Ultra.DockerModel.*.nupkg')
        $manifest = Import-PowerShellDataFile (Join-Path $ModuleOut 'Ultra.DockerModel.psd1')
    }

    It 'makes one .nupkg named for the Version in Directory.Build.props, the one version source' {
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $version = ([xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))).SelectSingleNode('/Project/PropertyGroup/Version').InnerText
        $packages.Name | Should -Be "Ultra.DockerModel.$version.nupkg"
        $manifest.ModuleVersion | Should -Be $version
        $run.Text | Should -Match 'Package: .*Ultra\.DockerModel\..*\.nupkg \([\d,]+ KB\)'
    }

    It 'holds exactly the files Build laid out (no symbols, no build or test leftovers) and the LICENSE' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($packages[0].FullName)
        try { $entries = @($zip.Entries.FullName | ForEach-Object { [uri]::UnescapeDataString($_) }) }
        finally { $zip.Dispose() }
        # NuGet's own parts: the nuspec, [Content_Types].xml, _rels/ and package/ (core properties).
        $files = @($entries | Where-Object { $_ -notmatch '^(\[Content_Types\]\.xml|_rels/.*|package/.*|Ultra\.DockerModel\.nuspec)$' } | Sort-Object)
        $files | Should -Be (Get-RelativeFile $ModuleOut)
        $files | Should -Contain 'LICENSE'
        $files | Should -Not -Match '\.(pdb|deps\.json|runtimeconfig\.json)$|Tests|StandIn'
        # The embedded engine (issue 13 item 8): llama.cpp's CPU builds for the four platforms, no multimodal, no musl.
        $files | Should -Contain 'embedded/Ultra.DockerModel.Embedded.dll'
        foreach ($native in 'linux-x64/native/avx2/libllama.so', 'win-x64/native/avx2/llama.dll', 'osx-arm64/native/libllama.dylib', 'osx-x64/native/libllama.dylib') {
            $files | Should -Contain "embedded/runtimes/$native"
        }
        $files | Should -Not -Match 'mtmd|musl'
    }

    It 'installs with Install-PSResource from a local repository and imports by name in a fresh pwsh, with its commands and help' {
        # A sandboxed HOME: PSResourceGet's repository store and its CurrentUser install folder, and pwsh's user
        # module path, all live under it, so nothing of the user's is read or changed.
        $sandbox = Join-Path $TestDrive 'home'
        $repository = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'repository')
        $null = New-Item -ItemType Directory -Path (Join-Path $sandbox '.local/share')
        Copy-Item $packages[0].FullName $repository
        $script = Join-Path $TestDrive 'round-trip.ps1'
        Set-Content $script -Value @'
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name UltraDockerModelLocal -Uri $args[0] -Trusted
Install-PSResource -Name Ultra.DockerModel -Repository UltraDockerModelLocal -TrustRepository -Quiet
& (Join-Path $PSHOME 'pwsh') -NoLogo -NoProfile -NonInteractive -Command {
    Import-Module Ultra.DockerModel
    $module = Get-Module Ultra.DockerModel
    [pscustomobject]@{
        Base     = $module.ModuleBase
        Version  = "$($module.Version)"
        Commands = @(Get-Command -Module Ultra.DockerModel | ForEach-Object Name | Sort-Object)
        Synopsis = (Get-Help Invoke-LocalLlm).Synopsis
    } | ConvertTo-Json -Compress
}
'@
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME }
        try {
            $env:HOME = $sandbox
            $env:XDG_DATA_HOME = Join-Path $sandbox '.local/share'
            $output = & $Pwsh -NoLogo -NoProfile -NonInteractive -File $script $repository.FullName 2>&1
        }
        finally { $env:HOME = $saved.HOME; $env:XDG_DATA_HOME = $saved.XDG_DATA_HOME }
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
        $got = "$($output | Select-Object -Last 1)" | ConvertFrom-Json
        $got.Base | Should -BeLike "$sandbox*" -Because 'Install-PSResource installs into the sandboxed user folder'
        $got.Version | Should -Be $manifest.ModuleVersion
        $got.Commands | Should -Be @($manifest.CmdletsToExport | Sort-Object)
        $docs = Get-Content (Join-Path $RepoRoot 'docs/Invoke-LocalLlm.md')
        $start = [array]::IndexOf($docs, '## SYNOPSIS') + 1
        $synopsis = ($docs[$start..($docs.Count - 1)] | ForEach-Object -Begin { $more = $true } -Process { if ($_ -like '## *') { $more = $false }; if ($more) { $_ } }) -join ' '
        $got.Synopsis | Should -Be $synopsis.Trim()
    }

    It 'leaves no repository registered and nothing installed for the user' {
        # The store file is read, not Get-PSResourceRepository: that would create the user's store if it is missing.
        $store = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet/PSResourceRepository.xml'
        if (Test-Path $store) { Get-Content -Raw $store | Should -Not -Match 'UltraDockerModel' }
        $userModules = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.local/share/powershell/Modules/Ultra.DockerModel'
        $userModules | Should -Not -Exist
    }
}

Describe 'build.ps1 -Task Bench -Quick' -Tag BuildScript {
    It 'runs the harness against the stand-in and writes its results' {
        $bench = Join-Path $RepoRoot 'out/bench'
        if (Test-Path $bench) { Remove-Item $bench -Recurse -Force }
        $run = Invoke-BuildTask -Arguments '-Task', 'Bench', '-Quick'
        $run.ExitCode | Should -Be 0 -Because $run.Text
        $results = Get-Content -Raw (Join-Path $bench 'results.json') | ConvertFrom-Json
        @($results.Rows.Id) | Should -Be @(2)
        $results.Rows | ForEach-Object { $_.Module | Should -BeGreaterThan 0 }
        Join-Path $bench 'results.md' | Should -FileContentMatch 'Listing'
    }
}

Describe 'build.ps1 -Task Clean' -Tag BuildScript {
    It 'removes out/ and .build/ (in a copy of the build files, not this checkout)' {
        $clone = Join-Path $TestDrive 'clone'
        $buildFiles = @('build.ps1', 'Ultra.DockerModel.sln', 'Directory.Build.props', '.config/dotnet-tools.json') +
            @(Get-ChildItem (Join-Path $RepoRoot 'tools') -File | ForEach-Object { "tools/$($_.Name)" }) +
            @(Get-ChildItem $RepoRoot -Recurse -Filter '*.csproj' | ForEach-Object { [IO.Path]::GetRelativePath($RepoRoot, $_.FullName) } |
                    Where-Object { $_ -notmatch '(^|[\\/])(bin|obj|out|\.build)[\\/]' })
        foreach ($file in $buildFiles) {
            $target = Join-Path $clone $file
            $null = New-Item -ItemType Directory -Path (Split-Path $target) -Force
            Copy-Item (Join-Path $RepoRoot $file) $target
        }
        foreach ($leftover in 'out/Ultra.DockerModel/Ultra.DockerModel.dll', '.build/publish/x.dll') {
            $null = New-Item -ItemType File -Path (Join-Path $clone $leftover) -Force
        }
        $run = Invoke-BuildTask -Arguments '-Task', 'Clean' -Root $clone
        $run.ExitCode | Should -Be 0 -Because $run.Text
        Join-Path $clone 'out' | Should -Not -Exist
        Join-Path $clone '.build' | Should -Not -Exist
        Join-Path $clone 'build.ps1' | Should -Exist
    }
}
