using System;
using Xunit;

namespace Ultra.DockerModel.Tests.Portability;

/// <summary>Which hosts Import-Module refuses, and what it says (the throw itself is PowerShell's: see ModuleImportGuard).</summary>
public class ModuleImportGuardTests
{
    [Theory]
    [InlineData(".NET Core 3.1.32", "3.1.32", "7.0.13")]
    [InlineData(".NET 6.0.36", "6.0.36", "7.2.24")]
    [InlineData(".NET 7.0.20", "7.0.20", "7.3.12")]
    public void PowerShell_7_0_to_7_3_is_refused_in_one_sentence_naming_what_is_supported(string framework, string runtime, string powerShell)
    {
        string? refusal = ModuleImportGuard.Refusal(framework, Version.Parse(runtime), powerShell);
        Assert.Equal($"Ultra.DockerModel needs PowerShell 7.4 or later (on .NET 8 or later) or Windows PowerShell 5.1, and this is PowerShell {powerShell} on {framework}.", refusal);
    }

    [Theory]
    [InlineData(".NET 8.0.34", "8.0.34")]
    [InlineData(".NET 9.0.23", "9.0.23")]
    [InlineData(".NET 10.0.12", "10.0.12")]
    [InlineData(".NET Framework 4.8.9290.0", "4.0.30319.42000")]
    public void PowerShell_7_4_and_later_and_Windows_PowerShell_are_let_through(string framework, string runtime)
    {
        Assert.Null(ModuleImportGuard.Refusal(framework, Version.Parse(runtime), "x"));
    }

    [Fact]
    public void This_host_is_let_through()
    {
        new ModuleImportGuard().OnImport();
    }
}
