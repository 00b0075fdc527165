using Vpd.TestSupport;
using SkiaSharp;
using Vpd.Reports.Figures;
using Xunit.Abstractions;

namespace Vpd.Reports.Tests;

/// <summary>Every figure kind rendered from the synthetic run, kept as artefacts to look at, and decoded back.</summary>
public sealed class SampleFigureTests(ITestOutputHelper output)
{
    [Fact]
    public void Figures_SyntheticRun_WriteDecodablePngs()
    {
        var (run0, p0) = SyntheticRun.Make("tiny-t0", 0, 0);
        var (run1, p1) = SyntheticRun.Make("tiny-t100", 100, 3);
        var samples = SyntheticRun.Samples.Take(8).ToList();
        var figures = new Dictionary<string, byte[]>
        {
            ["overlay-tile.png"] = OverlayFigures.Tile(samples[1].View, p0[samples[1].Key]),
            ["overlay-grid.png"] = OverlayFigures.Grid(samples.Select(s => new FigureSample(s.View, p0[s.Key])).ToList(), columns: 4, heading: "tiny-t0: 8 samples"),
            ["overlay-across-runs.png"] = OverlayFigures.AcrossRuns(samples.Take(4).Select(s => s.View).ToList(),
                [new RunPredictions("T = 0", samples.Take(4).Select(s => p0[s.Key]).ToList()), new RunPredictions("T = 100", samples.Take(4).Select(s => p1[s.Key]).ToList())]),
            ["attention-grid.png"] = AttentionFigures.TokenGrid(samples[1].View, p0[samples[1].Key]),
            ["attention-across-runs.png"] = AttentionFigures.AcrossRuns(samples[1].View, [("T = 0", p0[samples[1].Key]), ("T = 100", p1[samples[1].Key])]),
            ["attention-thresholded.png"] = AttentionFigures.Thresholded(samples[1].View, p0[samples[1].Key], token: 1),
        };
        foreach (var (name, png) in figures)
        {
            var path = Artifacts.Write(name, png);
            output.WriteLine(path);
            using var bitmap = SKBitmap.Decode(png);
            Assert.NotNull(bitmap);
            Assert.True(bitmap.Width > 100 && bitmap.Height > 100, $"{name} is {bitmap.Width}x{bitmap.Height}");
        }
        Assert.NotEmpty(run0.Rows);
        Assert.NotEmpty(run1.Rows);
    }
}
