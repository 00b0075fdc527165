using Vpd.Core.Metrics;
using Vpd.Reports.Report;

namespace Vpd.Reports.Tests;

public sealed class IouHistogramTests
{
    private static SentenceRow Row(double iou) => new("r", 0, null, null, null, SentenceStatus.Succeeded, 0, 1, iou, null, null);

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.0999999, 0)]
    [InlineData(0.1, 1)]
    [InlineData(0.3, 3)] // 0.3 * 10 is 3.0000000000000004 in double; the bin still comes from the comparison
    [InlineData(0.49999999999999994, 4)]
    [InlineData(0.5, 5)]
    [InlineData(0.7, 7)]
    [InlineData(0.9, 9)]
    [InlineData(1.0, 9)]
    public void Of_IouOnAndNearEdges_LandsInTheBinItsLowerEdgeNames(double iou, int bin)
    {
        var counts = IouHistogram.Of([Row(iou)]);

        Assert.Equal(1, counts[bin]);
        Assert.Equal(1, counts.Sum());
    }

    [Fact]
    public void Of_SyntheticRun_BinsFromKUpAddUpToPrecisionAtK()
    {
        var (run, _) = SyntheticRun.Make("h", 0, 0);

        var counts = IouHistogram.Of(run.Rows);

        Assert.Equal(run.Metrics.Counts.Succeeded, counts.Sum());
        for (var i = 0; i < IouAccumulator.Thresholds.Count; i++)
        {
            var atOrAbove = counts.Skip(5 + i).Sum();
            Assert.Equal(run.Metrics.Precision[IouAccumulator.ThresholdKey(i)], (double)atOrAbove / counts.Sum());
        }
    }

    [Fact]
    public void Of_FailedRows_AreNotCounted()
    {
        var failed = new SentenceRow("r", 1, null, null, null, SentenceStatus.Failed, 0, 0, null, null, "x");

        Assert.Equal(0, IouHistogram.Of([failed]).Sum());
    }
}
