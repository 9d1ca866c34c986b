# Get-LocalModel, Install-LocalModel, Remove-LocalModel, Get-LocalModelRunner, Test-LocalModelRunner against the stand-in runner.
Describe 'Model cmdlets against the stand-in' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Common.ps1')
        $script:standIn = Start-StandIn
        Enable-StandIn $standIn
    }
    AfterAll {
        Disable-StandIn $standIn
        Stop-StandIn $standIn
    }
    BeforeEach { Reset-StandIn $standIn }

    Describe 'Get-LocalModel' {
        It 'lists the installed models as typed objects' {
            $models = Get-LocalModel
            $models.Count | Should -Be 2
            $smol = $models | Where-Object Name -EQ 'ai/smollm2:latest'
            $smol | Should -BeOfType ([Ultra.DockerModel.LocalModel])
            $smol.Id | Should -Match '^sha256:[0-9a-f]{64}$'
            $smol.ShortId | Should -Be '354bf30d0aa3'
            $smol.Size | Should -Be 268802458
            $smol.Created | Should -BeOfType ([datetime])
            $smol.Quantization | Should -Be 'IQ2_XXS/Q4_K_M'
            $smol.Tags | Should -Contain 'ai/smollm2:latest'
        }
        It 'finds a model by short name, full tag, wildcard and id' {
            (Get-LocalModel smollm2).Name | Should -Be 'ai/smollm2:latest'
            (Get-LocalModel ai/smollm2:latest).Name | Should -Be 'ai/smollm2:latest'
            (Get-LocalModel *smol*).Name | Should -Be 'ai/smollm2:latest'
            (Get-LocalModel 354bf30d0aa3).Name | Should -Be 'ai/smollm2:latest'
            @(Get-LocalModel 'ai/*').Count | Should -Be 2
        }
        It 'takes names from the pipeline, by value and by property name' {
            ('smollm2', 'llama3.2' | Get-LocalModel).Count | Should -Be 2
            ([pscustomobject]@{ Name = 'smollm2' } | Get-LocalModel).Name | Should -Be 'ai/smollm2:latest'
        }
        It 'writes a ModelNotFound error for a name that matches nothing, and nothing for an empty wildcard' {
            Get-LocalModel nope -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -BeLike '*Install-LocalModel nope*'
            Get-LocalModel 'zz*' -ErrorVariable err2 | Should -BeNullOrEmpty
            $err2 | Should -BeNullOrEmpty
        }
        It 'refuses a name with shell metacharacters before running docker' {
            Get-LocalModel 'ai/x; rm -rf /' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModelName,*'
        }
        It 'shows sizes readable in the table view' {
            $table = Get-LocalModel smollm2 | Format-Table | Out-String -Width 80
            $table | Should -Match '256\.35 MiB'
            $table | Should -Match 'ai/smollm2:latest'
        }
        It 'completes model names on Tab' {
            $completion = TabExpansion2 -inputScript 'Get-LocalModel smo' -cursorColumn 18
            $completion.CompletionMatches.CompletionText | Should -Contain 'ai/smollm2:latest'
            $completion = TabExpansion2 -inputScript 'Invoke-LocalLlm hi -Model ai/ll' -cursorColumn 31
            $completion.CompletionMatches.CompletionText | Should -Contain 'ai/llama3.2:latest'
        }
        It 'is an empty result for an empty store' {
            Reset-StandIn $standIn -Installed @()
            Get-LocalModel | Should -BeNullOrEmpty
        }
    }

    Describe 'Install-LocalModel' {
        It 'pulls with a progress bar whose percentage comes from the download lines' {
            $r = Invoke-Captured 'Install-LocalModel ai/gemma3 -PassThru'
            $r.Errors | Should -BeNullOrEmpty
            $r.Output[0].Name | Should -Be 'ai/gemma3:latest'
            $percents = $r.Progress | Where-Object { $_.RecordType -eq 'Processing' } | ForEach-Object PercentComplete
            $percents.Count | Should -BeGreaterThan 2
            ($percents | Measure-Object -Maximum).Maximum | Should -Be 100
            $percents[0] | Should -BeLessThan 100
            $r.Progress[-1].RecordType | Should -Be 'Completed'
            (Get-LocalModel gemma3).Name | Should -Be 'ai/gemma3:latest'
        }
        It 'installs every name piped in and reports an unknown one without stopping the others' {
            $out = 'ai/nope-model', 'ai/gemma3', 'ai/mistral' | Install-LocalModel -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
            $out.Name | Should -Be @('ai/gemma3:latest', 'ai/mistral:latest')
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            $err[0].Exception.Message | Should -BeLike '*ai/nope-model*'
        }
        It 'binds names by property name' {
            ([pscustomobject]@{ Name = 'ai/gemma3' } | Install-LocalModel -PassThru).Name | Should -Be 'ai/gemma3:latest'
        }
        It 'downloads nothing with -WhatIf' {
            Install-LocalModel ai/gemma3 -WhatIf
            Get-LocalModel gemma3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-StandInStats $standIn).pulls | Should -Be 0
        }
        It 'skips an installed model unless -Force' {
            (Install-LocalModel smollm2 -PassThru).Name | Should -Be 'ai/smollm2:latest'
            (Get-StandInStats $standIn).pulls | Should -Be 0
            Install-LocalModel smollm2 -Force
            (Get-StandInStats $standIn).pulls | Should -Be 1
        }
    }

    Describe 'Remove-LocalModel' {
        It 'removes what Get-LocalModel pipes in' {
            Get-LocalModel *smol* | Remove-LocalModel -Confirm:$false
            (Get-LocalModel).Name | Should -Be @('ai/llama3.2:latest')
        }
        It 'removes by name with -Force and without a prompt' {
            Remove-LocalModel llama3.2 -Force
            (Get-LocalModel).Name | Should -Be @('ai/smollm2:latest')
        }
        It 'names the model and its size with -WhatIf and removes nothing' {
            @(Get-LocalModel).Count | Should -Be 2
            # What-if lines go straight to the host: run a child pwsh and read its stdout.
            $whatIf = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; Get-LocalModel smollm2 | Remove-LocalModel -WhatIf" | Out-String
            $whatIf | Should -Match "ai/smollm2:latest"
            $whatIf | Should -Match '256\.35 MiB'
            @(Get-LocalModel).Count | Should -Be 2
        }
        It 'is ConfirmImpact High' {
            (Get-Command Remove-LocalModel).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        }
        It 'reports an unknown model as ModelNotFound' {
            Remove-LocalModel nope -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
        }

        # Issue 10 item 6: upstream's rm untags a named tag (even with --force) and deletes only by id.
        Context 'a model with several tags' {
            BeforeEach { Reset-StandIn $standIn -Installed @('ai/smollm2', 'ai/gemma3:latest', 'ai/gemma3:4B', 'ai/gemma3:4B-Q4_K_M') }

            It 'removes the whole model by <Way>' -ForEach @(
                @{ Way = 'name'; Remove = { Remove-LocalModel gemma3 -Confirm:$false } }
                @{ Way = 'wildcard'; Remove = { Remove-LocalModel '*gem*' -Confirm:$false } }
                @{ Way = 'piped object'; Remove = { Get-LocalModel gemma3 | Remove-LocalModel -Confirm:$false } }
                @{ Way = 'short id'; Remove = { Remove-LocalModel (Get-LocalModel gemma3).ShortId -Confirm:$false } }
                @{ Way = 'name, with -Force'; Remove = { Remove-LocalModel ai/gemma3 -Force } }
            ) {
                & $Remove
                (Get-LocalModel).Name | Should -Be @('ai/smollm2:latest')
            }
            It 'untags only the tag that is named explicitly, even with -Force' {
                Remove-LocalModel ai/gemma3:4B -Force
                (Get-LocalModel gemma3).Tags | Should -Be @('ai/gemma3:latest', 'ai/gemma3:4B-Q4_K_M')
                Remove-LocalModel gemma3:latest -Confirm:$false
                (Get-LocalModel gemma3).Tags | Should -Be @('ai/gemma3:4B-Q4_K_M')
                Remove-LocalModel ai/gemma3:4B-Q4_K_M -Confirm:$false   # its last tag: the model goes, as with docker model rm
                Get-LocalModel gemma3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                (Get-LocalModel).Name | Should -Be @('ai/smollm2:latest')
            }
            It 'names its tags in the verbose docker output' {
                $verbose = Remove-LocalModel gemma3 -Confirm:$false -Verbose 4>&1 | ForEach-Object { "$_" }
                $verbose | Should -Contain 'Untagged: ai/gemma3:4B'
                $verbose | Where-Object { $_ -like 'Deleted: sha256:*' } | Should -HaveCount 1
            }
            It '-WhatIf says whether the model goes or one tag does, and changes nothing' {
                # What-if lines go straight to the host: run a child pwsh and read its stdout.
                $whatIf = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; Remove-LocalModel gemma3 -WhatIf; Remove-LocalModel ai/gemma3:4B -WhatIf -Force" | Out-String
                $whatIf | Should -Match ([regex]::Escape('"Remove model" on target "model ''ai/gemma3:latest'' (2.31 GiB) and all its 3 tags: ai/gemma3:latest, ai/gemma3:4B, ai/gemma3:4B-Q4_K_M"'))
                $whatIf | Should -Match ([regex]::Escape('"Untag (the model stays installed)" on target "tag ''ai/gemma3:4B'' only; model (2.31 GiB) stays installed as ai/gemma3:latest, ai/gemma3:4B-Q4_K_M"'))
                @((Get-LocalModel gemma3).Tags).Count | Should -Be 3
            }
        }

        # Issue 10 item 7
        It 'takes names by property name (Import-Csv)' {
            $csv = Join-Path $TestDrive 'models.csv'
            'Name,Note', 'smollm2,small', 'ai/llama3.2,bigger' | Set-Content -LiteralPath $csv
            Import-Csv $csv | Remove-LocalModel -Confirm:$false
            Get-LocalModel | Should -BeNullOrEmpty
        }
    }

    # Issue 10 items 8 and 9: names as docker and the registry understand them (the refused names are in Reliability.Tests.ps1).
    Describe 'Model names' {
        It 'passes the normalized name to docker, so an older CLI (model-cli v0.1.42) answers for smollm2' {
            Reset-StandIn $standIn -Installed @('ai/smollm2', 'ai/gemma3:latest', 'ai/gemma3:4B', 'ai/gemma3:4B-Q4_K_M')
            Set-StandInConfig $standIn @{ cliVersion = 'legacy' } | Out-Null
            (Invoke-LocalLlm 'legacy short name' -Model smollm2 -Transport Cli).Text | Should -BeLike 'You said: «legacy short name».*'
            (Install-LocalModel smollm2 -Force -PassThru).Name | Should -Be 'ai/smollm2:latest'
            (Install-LocalModel mistral -PassThru).Name | Should -Be 'ai/mistral:latest'
            Remove-LocalModel gemma3:4B -Confirm:$false
            (Get-LocalModel gemma3).Tags | Should -Be @('ai/gemma3:latest', 'ai/gemma3:4B-Q4_K_M')
        }

        It 'the stand-in in legacy mode fails as model-cli v0.1.42 did for a name without a slash' {
            Set-StandInConfig $standIn @{ cliVersion = 'legacy' } | Out-Null
            # Nothing piped in would still redirect stdin: the plugin reads a piped stdin to its end, and the one this
            # pwsh was given may be a pipe that stays open (a CI runner's), which would hang the run.
            $out = @() | & docker model run smollm2 hi 2>&1
            $LASTEXITCODE | Should -Be 1
            "$out" | Should -BeExactly 'Failed to inspect model: invalid model name: smollm2'
            $out = & docker model inspect smollm2 2>&1
            "$out" | Should -BeExactly 'Failed to get model smollm2: invalid model name: smollm2'
            & docker model inspect 354bf30d0aa3 | ConvertFrom-Json | ForEach-Object tags | Should -Be 'ai/smollm2:latest'
        }

        It 'suggests a real model, not the one that failed, when the registry has no such model' {
            Install-LocalModel ai/smollm2:999B -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            $err[0].Exception.Message | Should -BeLike "Model 'ai/smollm2:999B' was not found in the registry*"
            $err[0].Exception.Message | Should -Match "for example 'ai/llama3\.2:1B-Q8_0'"
            Install-LocalModel ai/nope -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err2[0].Exception.Message | Should -Match "for example 'ai/smollm2'"
        }

        It 'honours DEFAULT_REGISTRY: tags stored under it match the plain names' {
            $saved = $env:DEFAULT_REGISTRY
            $env:DEFAULT_REGISTRY = 'registry.local:5000'
            try {
                Reset-StandIn $standIn -Installed @('registry.local:5000/ai/smollm2:latest', 'registry.local:5000/ai/gemma3:4B', 'ai/llama3.2')
                Set-StandInConfig $standIn @{ defaultRegistry = 'registry.local:5000' } | Out-Null   # the runner's own DEFAULT_REGISTRY
                (& docker model ls --json | ConvertFrom-Json).tags | Should -Contain 'registry.local:5000/ai/smollm2:latest'
                (Get-LocalModel smollm2).Name | Should -Be 'ai/smollm2:latest'
                (Get-LocalModel ai/gemma3:4B).Name | Should -Be 'ai/gemma3:4B'
                (Invoke-LocalLlm 'from the default registry' -Model smollm2 -Transport Cli).Text | Should -BeLike 'You said: «from the default registry».*'
                Remove-LocalModel gemma3 -Confirm:$false
                (Get-LocalModel).Name | Should -Be @('ai/smollm2:latest', 'ai/llama3.2:latest')
            }
            finally { $env:DEFAULT_REGISTRY = $saved }
        }
    }

    Describe 'Get-LocalModelRunner and Test-LocalModelRunner' {
        It 'reports a running runner with its endpoint and versions' {
            $s = Get-LocalModelRunner
            $s | Should -BeOfType ([Ultra.DockerModel.ModelRunnerStatus])
            $s.DockerInstalled | Should -BeTrue
            $s.PluginInstalled | Should -BeTrue
            $s.IsRunning | Should -BeTrue
            $s.Kind | Should -Be 'Docker Engine (Manual Install)'
            $s.EndpointHost | Should -Be "$($standIn.Url)/v1/"
            $s.Backends.Keys | Should -Contain 'llama.cpp'
            $s.ClientVersion | Should -Be 'v1.2.6'
            Test-LocalModelRunner | Should -BeTrue
            Test-LocalModelRunner -Model ai/smollm2 | Should -BeTrue
            Test-LocalModelRunner -Model ai/gemma3 | Should -BeFalse
        }
        It 'reports a stopped runner without throwing' {
            Set-StandInConfig $standIn @{ fault = 'not-running' }
            $s = Get-LocalModelRunner
            $s.IsRunning | Should -BeFalse
            $s.PluginInstalled | Should -BeTrue
            $s.Message | Should -Match 'docker desktop enable model-runner'
            Test-LocalModelRunner | Should -BeFalse
        }
        It 'reports a missing plugin' {
            $saved = $env:DOCKER_CONFIG
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'no-plugins'
            try {
                $s = Get-LocalModelRunner
                $s.DockerInstalled | Should -BeTrue
                $s.PluginInstalled | Should -BeFalse
                $s.Message | Should -Match 'docker-model-plugin'
                Test-LocalModelRunner | Should -BeFalse
            }
            finally { $env:DOCKER_CONFIG = $saved }
        }
        It 'reports a missing docker' {
            $saved = $env:PATH
            $env:PATH = Join-Path $TestDrive 'empty'
            try {
                $s = Get-LocalModelRunner
                $s.DockerInstalled | Should -BeFalse
                $s.Message | Should -Match 'not found on PATH'
                Test-LocalModelRunner | Should -BeFalse
            }
            finally { $env:PATH = $saved }
        }
    }

    Describe 'Errors from the runner' {
        It 'a stopped runner is a RunnerNotRunning error saying how to enable it' {
            Set-StandInConfig $standIn @{ fault = 'not-running' }
            { Get-LocalModel } | Should -Throw -ErrorId 'RunnerNotRunning,Ultra.DockerModel.Commands.GetLocalModelCommand'
            try { Get-LocalModel } catch { $e = $_ }
            $e.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $e.Exception.Message | Should -Match 'docker desktop enable model-runner'
            $e.Exception.RawError | Should -Match 'Docker Model Runner is not running'
        }
        It 'an unreachable runner is RunnerUnreachable' {
            $saved = $env:MODEL_RUNNER_HOST
            $env:MODEL_RUNNER_HOST = 'http://127.0.0.1:9'
            try { { Get-LocalModel } | Should -Throw -ErrorId 'RunnerUnreachable,*' }
            finally { $env:MODEL_RUNNER_HOST = $saved }
        }
        It 'a missing plugin is PluginMissing' {
            $saved = $env:DOCKER_CONFIG
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'no-plugins'
            try { { Get-LocalModel } | Should -Throw -ErrorId 'PluginMissing,*' }
            finally { $env:DOCKER_CONFIG = $saved }
        }
        It 'a missing docker is DockerNotInstalled' {
            $saved = $env:PATH
            $env:PATH = Join-Path $TestDrive 'empty'
            try { { Get-LocalModel } | Should -Throw -ErrorId 'DockerNotInstalled,*' }
            finally { $env:PATH = $saved }
        }
        It 'a registry the runner cannot reach is PullFailed about the network, not RunnerUnreachable (issue 10 item 12: <Fault>)' -ForEach @(
            @{ Fault = 'pull-fails'; Cause = 'net/http: TLS handshake timeout' }
            @{ Fault = 'pull-registry-unreachable'; Cause = 'dial tcp: lookup registry-1.docker.io on 127.0.0.11:53: no such host' }
        ) {
            Set-StandInConfig $standIn @{ fault = $Fault; retryBaseMs = 1 }
            Install-LocalModel ai/gemma3 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PullFailed,*'
            $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $err[0].Exception.Message | Should -BeLike "*'ai/gemma3'*could not reach the registry ($Cause)*proxy*"
            $err[0].Exception.Message | Should -Not -BeLike '*MODEL_RUNNER_HOST*'
        }
        It 'a name the runner refuses as a reference is InvalidModelName, not PullFailed (issue 10 item 11)' {
            Set-StandInConfig $standIn @{ fault = 'pull-invalid-reference' }
            Install-LocalModel ai/gemma3 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModelName,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -BeLike "*'ai/gemma3'*Invalid model reference*"
            # The same through Invoke-LocalLlm -AutoPull.
            $e = $null
            try { Invoke-LocalLlm hi -Model ai/gemma3 -AutoPull -NoFallback } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidModelName,*'
        }
    }
}
