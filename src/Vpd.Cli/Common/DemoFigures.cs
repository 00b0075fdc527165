using Vpd.Pipeline.Reports;
using Vpd.Reports.Figures;

namespace Vpd.Cli.Common;

/// <summary>The overlay grid <c>vpd demo</c> leaves beside its report: the run's first sentences, as <c>vpd figure overlays</c> draws them.</summary>
public static class DemoFigures
{
    public static async Task<byte[]> OverlayGridAsync(CliPipeline pipeline, string run, int count, CancellationToken cancellationToken)
    {
        var pictures = pipeline.Get<RunPictures>();
        var loaded = await pictures.LoadRunAsync(run, null, cancellationToken);
        var samples = new List<FigureSample>();
        foreach (var row in loaded.Rows.OrderBy(r => r.RefId, StringComparer.Ordinal).ThenBy(r => r.SentenceIndex).Take(count))
        {
            var (sample, prediction) = await pictures.LoadAsync(loaded, row, withAttention: false, cancellationToken);
            samples.Add(new FigureSample(sample, prediction));
        }
        return OverlayFigures.Grid(samples, columns: 4, heading: $"run {run}");
    }
}
