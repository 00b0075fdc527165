using System.Diagnostics;
using Vpd.Cli.Local;
using Vpd.TestSupport;

namespace Vpd.Core.Tests;

/// <summary>
/// <see cref="AzuriteProcess"/> runs each storage service in a process of its own, so that one service's store
/// never slows another's (compiled into Vpd.TestSupport from the CLI's source, see <see cref="AzuritePortsTests"/>).
/// </summary>
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task StartAsync_InstalledPackage_OneProcessPerServiceAndDisposeStopsEach()
    {
        var azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindLauncher(RepoPaths.Root));
        var ids = azurite.ProcessIds;
        var processes = ids.Select(Process.GetProcessById).ToList();
        try
        {
            Assert.Equal(3, ids.Distinct().Count());
            Assert.True(await AzuriteProcess.IsReachableAsync(azurite.Ports));
            Assert.All(processes, p => Assert.False(p.HasExited));
        }
        finally
        {
            await azurite.DisposeAsync();
        }

        Assert.All(processes, p => Assert.True(p.WaitForExit(10_000), $"Azurite process {p.Id} still running after dispose"));
        Assert.False(await AzuriteProcess.IsReachableAsync(azurite.Ports));
    }
}
