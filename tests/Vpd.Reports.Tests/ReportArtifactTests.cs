using Vpd.Reports.Report;
using Xunit.Abstractions;

namespace Vpd.Reports.Tests;

public sealed class ReportArtifactTests(ITestOutputHelper output)
{
    [Fact]
    public void Render_ThreeSyntheticRuns_WritesReport()
    {
        var (plan, pictures, _) = SampleOutputs.Report();
        var html = RunReport.Render(plan, pictures);
        var path = Artifacts.Write("report.html", System.Text.Encoding.UTF8.GetBytes(html));
        output.WriteLine($"{path} ({html.Length / 1024} KiB)");
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
    }
}
