# The built module on the .NET 8, 9 and 10 runtimes that PowerShell 7.4, 7.5 and 7.6 run on (issue 11). PowerShell 7.4
# and 7.5 cannot be installed here, so tests/PortabilityHost stands in for them: a host whose default load context has
# only the shared framework (as pwsh's has), which loads out/Ultra.DockerModel with Assembly.LoadFrom (as Import-Module
# does) and drives Core as the cmdlets do, against the stand-in runner. The .NET 8 and 9 runtimes come from NuGet
# runtime packs laid out in .build/dotnet-alt by building tests/PortabilityHost (build.ps1 -Task Test does).
# A dependency whose assembly version is above what an older host carries fails here on that host.

BeforeDiscovery {
    $script:Hosts = @(
        @{ Name = '.NET 8 (PowerShell 7.4)'; Major = 8 }
        @{ Name = '.NET 9 (PowerShell 7.5)'; Major = 9 }
        @{ Name = '.NET 10 (PowerShell 7.6)'; Major = 10 }
    )
    # The checks tests/PortabilityHost/Checks.cs runs, in its order; load comes first from Program.cs.
    $script:CheckNames = @('load', 'list', 'pull', 'inspect', 'run-cli', 'run-stream', 'run-http', 'settings', 'fallback')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:standIn = Start-StandIn
    Enable-StandIn $standIn
    $script:HostDll = @('Release', 'Debug' | ForEach-Object { Join-Path $RepoRoot "tests/PortabilityHost/bin/$_/net8.0/PortabilityHost.dll" } | Where-Object { Test-Path $_ })[0]
    $script:AltRoot = Join-Path $RepoRoot '.build/dotnet-alt'
    $script:ModuleDir = Split-Path $ModulePath -Parent
    $script:LinuxX64 = $IsLinux -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64'

    # The muxer and exact runtime version for a major: .NET 8 and 9 from dotnet-alt, the current one from the
    # dotnet root this pwsh runs on (<root>/shared/Microsoft.NETCore.App/<version>/).
    function Get-HostRuntime([int] $Major) {
        if ($Major -eq [Environment]::Version.Major) {
            $root = [IO.Path]::GetFullPath((Join-Path ([Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()) '../../..'))
            return @{ Dotnet = Join-Path $root ($IsWindows ? 'dotnet.exe' : 'dotnet'); Version = [Environment]::Version.ToString() }
        }
        $dir = @(Get-ChildItem (Join-Path $AltRoot 'shared/Microsoft.NETCore.App') -Directory -Filter "$Major.*" -ErrorAction SilentlyContinue)
        if ($dir.Count -eq 0) { return $null }
        @{ Dotnet = Join-Path $AltRoot 'dotnet'; Version = $dir[-1].Name }
    }
}

AfterAll {
    Stop-StandIn $standIn
}

Describe 'The built module on a <Name> host' -Tag Portability -ForEach $Hosts {
    BeforeAll {
        $runtime = Get-HostRuntime $Major
        $skip = if (-not $runtime -and -not $LinuxX64) { ".NET $Major runtime packs are laid out for Linux x64 only" }
        $results = @{}
        if (-not $skip) {
            $runtime | Should -Not -BeNullOrEmpty -Because ".NET $Major should be in $AltRoot (dotnet build tests/PortabilityHost -c Release lays it out)"
            $HostDll | Should -Not -BeNullOrEmpty -Because 'the host is built by build.ps1 -Task Test (dotnet build tests/PortabilityHost -c Release)'
            Reset-StandIn $standIn
            # Pieces a few milliseconds apart, so that a streamed answer arrives in more than one read.
            Set-StandInConfig $standIn @{ tokenDelayMs = 10 } | Out-Null
            $env:ULTRA_DOCKERMODEL_HOME = Join-Path $TestDrive "home-$Major"
            $output = & $runtime.Dotnet exec --fx-version $runtime.Version $HostDll $ModuleDir $standIn.Url 2>&1
            $text = ($output | Out-String).Trim()
            Write-Host $text
            foreach ($line in $output) {
                if ("$line" -match '^(PASS|FAIL) ([\w-]+)(?:: (.*))?$') { $results[$Matches[2]] = @{ Outcome = $Matches[1]; Why = $Matches[3] } }
            }
            $firstLine = "$($output | Select-Object -First 1)"
        }
    }

    It 'runs on .NET <Major>' {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $firstLine | Should -BeLike "RUNTIME .NET $Major.*"
    }

    It '<_>' -ForEach $CheckNames {
        if ($skip) { Set-ItResult -Skipped -Because $skip; return }
        $results.Keys | Should -Contain $_ -Because "the host ended before this check:`n$text"
        $results[$_].Outcome | Should -Be 'PASS' -Because $results[$_].Why
    }
}
