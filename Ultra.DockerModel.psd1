# Source: build.ps1 writes the module's manifest from this file into out/Ultra.DockerModel. Import that one.
@{
    RootModule           = 'Ultra.DockerModel.dll'
    ModuleVersion        = '0.0.0' # written by build.ps1: <Version> in Directory.Build.props is the one hand-kept copy
    GUID                 = '5f1c7f0e-4c1b-4f43-9d0a-6a3f2b0c9e21'
    Author               = 'Ultra.DockerModel contributors'
    CompanyName          = 'Ultra.DockerModel contributors'
    Copyright            = '(c) Ultra.DockerModel contributors. MIT licence.'
    Description          = 'Local open-source LLMs served by Docker Model Runner as first-class PowerShell citizens: list, pull, remove and run models, stream answers onto the pipeline as typed objects, and fall back to other LLM providers when the local runner is missing or failing.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Ultra.DockerModel.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-LocalModel'
        'Install-LocalModel'
        'Remove-LocalModel'
        'Stop-LocalModel'
        'Get-LocalModelConfiguration'
        'Set-LocalModelConfiguration'
        'Measure-LocalModel'
        'Get-LocalModelRunner'
        'Test-LocalModelRunner'
        'Invoke-LocalLlm'
        'New-LlmProvider'
        'Set-LlmProviderFallback'
        'Get-LlmProviderFallback'
        'Clear-LlmProviderFallback'
        'Set-LlmPromptTemplate'
        'Get-LlmPromptTemplate'
        'Remove-LlmPromptTemplate'
        'Clear-LlmResponseCache'
        'Get-LlmEmbedding'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('Docker', 'LLM', 'AI', 'ModelRunner', 'OpenAI', 'Ollama', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
        }
    }
}
