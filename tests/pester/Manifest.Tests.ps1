# The manifest that ships (out/Ultra.DockerModel/Ultra.DockerModel.psd1, written by build.ps1): one version source,
# the PowerShell versions it claims, the licence, and no made-up addresses.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Manifest = Import-PowerShellDataFile $ModulePath
    $script:ModuleDir = Split-Path $ModulePath -Parent
}

Describe 'The shipped manifest' {
    It 'carries the Version in Directory.Build.props, the one hand-kept version, as the assemblies do' {
        $version = ([xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))).SelectSingleNode('/Project/PropertyGroup/Version').InnerText
        $Manifest.ModuleVersion | Should -Be $version
        (Get-Item (Join-Path $ModuleDir 'Ultra.DockerModel.dll')).VersionInfo.ProductVersion | Should -BeLike "$version*"
        # The repository's copy keeps a placeholder the build replaces, so there is no second number to keep in step.
        (Import-PowerShellDataFile (Join-Path $RepoRoot 'Ultra.DockerModel.psd1')).ModuleVersion | Should -Be '0.0.0'
    }

    It 'passes Test-ModuleManifest and exports exactly the cmdlets the module has' {
        $info = Test-ModuleManifest $ModulePath
        $info.Version | Should -Be $Manifest.ModuleVersion
        $exported = @((Get-Module Ultra.DockerModel).ExportedCmdlets.Keys | Sort-Object)
        $exported | Should -Be @($Manifest.CmdletsToExport | Sort-Object)
    }

    It 'claims Windows PowerShell 5.1 and PowerShell 7 (7.0 to 7.3 are refused on import, see ModuleImportGuard)' {
        $Manifest.PowerShellVersion | Should -Be '5.1'
        $Manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }

    It 'ships the MIT LICENSE its Copyright names, and no placeholder addresses' {
        $Manifest.Copyright | Should -BeLike '*MIT licence*'
        $license = Join-Path $ModuleDir 'LICENSE'
        (Get-Content $license -TotalCount 1) | Should -Be 'MIT License'
        Get-Content -Raw $license | Should -BeLike "*Copyright (c) $($Manifest.Author)*"
        $uris = @($Manifest.HelpInfoUri, $Manifest.PrivateData.PSData.ProjectUri, $Manifest.PrivateData.PSData.LicenseUri, $Manifest.PrivateData.PSData.IconUri) | Where-Object { $_ }
        $uris | Should -BeNullOrEmpty -Because 'an address goes in only when it is real'
    }
}

# Issue 16: Import-Module pays only for what every later call needs. Anything the first call can load is left to it:
# the libraries the cmdlets use (Microsoft.Extensions.AI, System.Text.Json, the JSON schema ones) and the embedded
# engine (embedded/, LLamaSharp, native llama.cpp). What import costs is measured by build.ps1 -Task Bench, row 1.
Describe 'What Import-Module loads' {
    It 'loads the module''s two assemblies and its views, nothing else of the module folder, and adds no type accelerators' {
        $script = @"
`$accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
`$before = @(`$accelerators::Get.Keys)
Import-Module '$ModulePath'
`$folder = '$ModuleDir'
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not `$_.IsDynamic -and `$_.Location.StartsWith(`$folder) } | ForEach-Object { 'loaded:' + `$_.GetName().Name }
@(`$accelerators::Get.Keys) | Where-Object { `$_ -notin `$before } | ForEach-Object { 'accelerator:' + `$_ }
'views:' + @(Get-FormatData -TypeName 'Ultra.DockerModel.*').Count
"@
        $out = @(& $Pwsh -NoLogo -NoProfile -NonInteractive -Command $script)
        @($out | Where-Object { $_ -like 'loaded:*' } | Sort-Object) | Should -Be @('loaded:Ultra.DockerModel', 'loaded:Ultra.DockerModel.Core')
        @($out | Where-Object { $_ -like 'accelerator:*' }) | Should -BeNullOrEmpty
        [int](($out | Where-Object { $_ -like 'views:*' }) -replace 'views:') | Should -BeGreaterThan 0 -Because 'the format views are there from the start'
    }
}
