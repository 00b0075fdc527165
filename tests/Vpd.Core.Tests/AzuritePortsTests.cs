using Vpd.Cli.Local;

namespace Vpd.Core.Tests;

/// <summary>
/// <see cref="AzuriteProcess"/> (compiled into Vpd.TestSupport from Vpd.Pipeline's source, which is why this
/// test lives in a project that does not also reference Vpd.Pipeline).
/// </summary>
public sealed class AzuritePortsTests
{
    [Fact]
    public void FreeLoopbackPorts_ManyTimes_ThreeDistinctUsablePortsEachTime()
    {
        for (var i = 0; i < 200; i++)
        {
            var (blob, queue, table) = AzuriteProcess.FreeLoopbackPorts();

            Assert.Equal(3, new HashSet<int> { blob, queue, table }.Count);
            Assert.All(new[] { blob, queue, table }, port => Assert.InRange(port, 1, 65535));
        }
    }
}
