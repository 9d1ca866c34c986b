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
