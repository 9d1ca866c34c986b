<#
.SYNOPSIS
    Makes the PowerShell Gallery package (.nupkg) of a built module folder with Publish-PSResource, into OutputPath.
.DESCRIPTION
    Run by build.ps1 -Task Package in a child pwsh. Publish-PSResource needs a registered repository: a local file
    repository is registered in a throwaway PSResourceGet store (this process's XDG_DATA_HOME points at a temporary
    folder, read by PSResourceGet on first use), so the user's registered repositories are neither read nor changed,
    and it is unregistered again (on Windows the store is not under XDG_DATA_HOME).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
$temp = Join-Path ([IO.Path]::GetTempPath()) ('udm-package-' + [guid]::NewGuid().ToString('N'))
try {
    # The folder must exist: .NET ignores an XDG_DATA_HOME that does not, and PSResourceGet then writes to the current folder.
    $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Path (Join-Path $temp 'data')).FullName
    $repository = (New-Item -ItemType Directory -Path (Join-Path $temp 'repository')).FullName
    $name = 'UltraDockerModelBuild'
    Register-PSResourceRepository -Name $name -Uri $repository -Trusted
    try { Publish-PSResource -Path $ModulePath -Repository $name }
    finally { Unregister-PSResourceRepository -Name $name }
    Get-ChildItem $repository -Filter '*.nupkg' | Copy-Item -Destination $OutputPath
}
finally {
    Remove-Item $temp -Recurse -Force -ErrorAction SilentlyContinue
}
