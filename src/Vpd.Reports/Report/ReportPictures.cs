using Vpd.Reports.Figures;

namespace Vpd.Reports.Report;

/// <summary>
/// The second step's input: what the caller loaded for the plan's <see cref="ReportPlan.Pictures"/>. A picture
/// that could not be loaded (a missing blob, say) is recorded with its reason and shown as such; the report is
/// still written.
/// </summary>
public sealed class ReportPictures
{
    private readonly Dictionary<(string Run, SampleKey Key), FigureSample> loaded = [];
    private readonly Dictionary<(string Run, SampleKey Key), string> unavailable = [];

    public int Count => loaded.Count;

    /// <summary>The sample (image, truth at S x S, sentence) and the run's prediction (mask at S x S, attention if asked).</summary>
    public void Add(string run, SampleKey key, SampleView sample, SamplePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(prediction);
        prediction.CheckFits(sample, $"run '{run}', sentence {key}");
        loaded[(run, key)] = new FigureSample(sample, prediction);
        unavailable.Remove((run, key));
    }

    /// <summary>Records that the picture of (run, key) could not be loaded, and why.</summary>
    public void AddUnavailable(string run, SampleKey key, string reason)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reason);
        loaded.Remove((run, key));
        unavailable[(run, key)] = reason;
    }

    internal FigureSample? Get(string run, SampleKey key) => loaded.GetValueOrDefault((run, key));

    internal string WhyMissing(string run, SampleKey key) =>
        unavailable.GetValueOrDefault((run, key)) ?? "picture not loaded";
}
