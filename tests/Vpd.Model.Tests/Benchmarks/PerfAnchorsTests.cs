using Vpd.Tools.Benchmarks;
using Vpd.TestSupport;

namespace Vpd.Model.Tests.Benchmarks;

public sealed class PerfAnchorsTests
{
    [Fact]
    public void Load_FileWithoutResults_ThrowsNamingThePath()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "anchors.json");
        File.WriteAllText(path, "{\"torch\": \"1.13\"}");

        var error = Assert.Throws<InvalidDataException>(() => PerfAnchors.Load(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Load_EntryWithBothFields_ReadsMedianAndGmacs()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "anchors.json");
        File.WriteAllText(path, "{\"results\": {\"x\": {\"median_s\": 1.5, \"runs_s\": [1.5], \"gmacs\": 2.25}}}");

        var anchor = PerfAnchors.Load(path)["x"];

        Assert.Equal(new PerfAnchor("x", 1.5, 2.25), anchor);
    }
}
