using BamOrleans.Tests.Shared;

namespace BamOrleans.Storage.Tests.Azurite;

/// <summary>The Azurite the tests need is found where the set-up installs it, and its absence fails loudly.</summary>
public sealed class AzuriteServerTests
{
    [Fact]
    public void A_missing_azurite_fails_with_the_install_hint()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AzuriteServer.Require(null));
        Assert.Contains("scripts/test.sh", error.Message);
        Assert.Contains("npm install --prefix .tools/azurite azurite@3.37.0", error.Message);
    }

    [Fact]
    public void The_set_up_installs_azurite_where_the_tests_look()
    {
        var executable = AzuriteServer.FindExecutable();
        Assert.True(executable is not null, AzuriteServer.InstallHint);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AzuriteServer.ExecutableVariable)))
            Assert.EndsWith(Path.Combine(".tools", "azurite", "node_modules", ".bin", "azurite-blob"), executable);
    }
}
