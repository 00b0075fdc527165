using Vpd.Reports.Figures;
using Vpd.Reports.Report;

namespace Vpd.Reports.Tests;

/// <summary>Builds the demo-sized synthetic report and figures the tests check and keep as artefacts.</summary>
internal static class SampleOutputs
{
    public static readonly (string Run, int NoiseStep, int Variant)[] Runs = [("tiny-t0", 0, 0), ("tiny-t100", 100, 3), ("tiny-t500", 500, 5)];

    public static (ReportPlan Plan, ReportPictures Pictures, IReadOnlyList<ReportRun> Runs) Report(int runCount = 3, ReportOptions? options = null)
    {
        var made = Runs.Take(runCount).Select(r => SyntheticRun.Make(r.Run, r.NoiseStep, r.Variant)).ToList();
        var runs = made.Select(m => m.Run with { Label = $"T = {m.Run.Manifest.NoiseStep}" }).ToList();
        var plan = ReportPlan.Create(runs, options ?? ReportOptions.Default with { GeneratedUtc = new DateTimeOffset(2026, 12, 5, 9, 30, 0, TimeSpan.Zero) });
        var pictures = Load(plan, made.Select(m => (m.Run.Name, m.Predictions)).ToDictionary(p => p.Name, p => p.Predictions));
        return (plan, pictures, runs);
    }

    /// <summary>What a caller does between the two steps: load the requested pictures (here from the synthetic run).</summary>
    public static ReportPictures Load(ReportPlan plan, IReadOnlyDictionary<string, IReadOnlyDictionary<SampleKey, SamplePrediction>> predictions)
    {
        var samples = SyntheticRun.Samples.ToDictionary(s => s.Key);
        var pictures = new ReportPictures();
        foreach (var request in plan.Pictures)
        {
            var sample = samples[request.Row.Key];
            var prediction = predictions[request.Run][request.Row.Key];
            pictures.Add(request.Run, request.Row.Key, sample.View,
                request.WithAttention ? prediction : prediction with { Attention = null });
        }
        return pictures;
    }
}
