using Vpd.Core.Contracts;
using Vpd.Pipeline.Reports;
using Vpd.Reports.Figures;
using Vpd.Reports.Report;

namespace Vpd.Cli.Common;

/// <summary>The figures of stored runs, as the figure verbs, the demo and the noise study draw them.</summary>
public static class RunFigures
{
    /// <summary>Which samples an overlay figure shows.</summary>
    public static readonly string[] Picks = ["first", "best", "median", "worst"];

    /// <summary>Runs by id, each with an optional column label.</summary>
    /// <exception cref="ArgumentException">An invalid or repeated run id, or an unknown run.</exception>
    public static async Task<IReadOnlyList<ReportRun>> LoadAsync(
        RunPictures pictures, IReadOnlyList<string> runs, IReadOnlyList<string>? labels, CancellationToken cancellationToken)
    {
        var ids = runs.Select(r => Ids.Validate(r, "--run")).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            throw new ArgumentException("a run is named twice in --run");
        }
        labels ??= [];
        if (labels.Count > 0 && labels.Count != ids.Count)
        {
            throw new ArgumentException($"--label was given {labels.Count} times for {ids.Count} runs: give one per --run or none");
        }
        var loaded = new List<ReportRun>();
        for (var i = 0; i < ids.Count; i++)
        {
            loaded.Add(await pictures.LoadRunAsync(ids[i], labels.Count > 0 ? labels[i] : null, cancellationToken));
        }
        return loaded;
    }

    /// <summary>
    /// <paramref name="count"/> samples every run has a row for, picked by the first run's order or IoU: a captioned grid
    /// for one run, or one row per sample and one column per run for several.
    /// </summary>
    public static async Task<byte[]> OverlaysAsync(
        RunPictures pictures, IReadOnlyList<ReportRun> runs, string pick, int count, int columns, CancellationToken cancellationToken)
    {
        var keys = Pick(runs, pick, count);
        if (keys.Count == 0)
        {
            throw new ArgumentException("no sentence has a row in every run given");
        }
        if (runs.Count == 1)
        {
            var samples = new List<FigureSample>();
            foreach (var key in keys)
            {
                var (sample, prediction) = await pictures.LoadAsync(runs[0], Row(runs[0], key), false, cancellationToken);
                samples.Add(new FigureSample(sample, prediction));
            }
            return OverlayFigures.Grid(samples, columns, heading: $"run {runs[0].Title}");
        }
        var views = new List<SampleView>();
        var predictions = runs.Select(_ => new List<SamplePrediction>()).ToList();
        foreach (var key in keys)
        {
            for (var r = 0; r < runs.Count; r++)
            {
                var (sample, prediction) = await pictures.LoadAsync(runs[r], Row(runs[r], key), false, cancellationToken);
                if (r == 0)
                {
                    views.Add(sample);
                }
                predictions[r].Add(prediction);
            }
        }
        return OverlayFigures.AcrossRuns(views, [.. runs.Select((run, r) => new RunPredictions(run.Title, predictions[r]))]);
    }

    /// <summary>Sentences every run has a row for, chosen by the first run's order or IoU.</summary>
    public static IReadOnlyList<SampleKey> Pick(IReadOnlyList<ReportRun> runs, string how, int count)
    {
        var common = runs[0].Rows.Where(row => runs.All(run => run.Rows.Any(other => other.Key == row.Key))).ToList();
        var byIou = common.OrderBy(r => r.Score).ThenBy(r => r.RefId, StringComparer.Ordinal).ThenBy(r => r.SentenceIndex).ToList();
        var chosen = how switch
        {
            "best" => byIou.AsEnumerable().Reverse().Take(count),
            "worst" => byIou.Take(count),
            "median" => byIou.Skip(Math.Max(0, (byIou.Count - count) / 2)).Take(count),
            "first" => common.Take(count),
            _ => throw new ArgumentException($"--pick '{how}' is not one of: {string.Join(", ", Picks)}"),
        };
        return [.. chosen.Select(r => r.Key)];
    }

    public static SentenceRow Row(ReportRun run, SampleKey key) =>
        run.Rows.FirstOrDefault(r => r.Key == key) ?? throw new ArgumentException($"run '{run.Name}' has no row for sentence {key}");

    /// <summary>
    /// One sentence's per-token attention maps at every stored level: a grid for one run, or the same sentence across
    /// runs (one block of rows per run); maps a run did not store are computed from <paramref name="model"/> when given.
    /// </summary>
    public static async Task<byte[]> AttentionAsync(
        CliPipeline pipeline, RunPictures pictures, IReadOnlyList<ReportRun> runs, SampleKey key, FileInfo? model,
        AttentionFigureOptions options, CancellationToken cancellationToken)
    {
        SampleView? view = null;
        var predictions = new List<(string, SamplePrediction)>();
        foreach (var run in runs)
        {
            var (sample, prediction) = await WithAttentionAsync(pipeline, pictures, run, key, model, cancellationToken);
            view ??= sample;
            predictions.Add((run.Title, prediction));
        }
        return runs.Count == 1
            ? AttentionFigures.TokenGrid(view!, predictions[0].Item2, options)
            : AttentionFigures.AcrossRuns(view!, predictions, options);
    }

    /// <summary>The sentence with its attention maps: the run's stored ones, else computed here from <paramref name="model"/>.</summary>
    public static async Task<(SampleView Sample, SamplePrediction Prediction)> WithAttentionAsync(
        CliPipeline pipeline, RunPictures pictures, ReportRun run, SampleKey key, FileInfo? model, CancellationToken cancellationToken)
    {
        var row = Row(run, key);
        var (sample, prediction) = await pictures.LoadAsync(run, row, withAttention: true, cancellationToken);
        if (prediction.Attention is not null)
        {
            return (sample, prediction);
        }
        if (model is null)
        {
            throw new ArgumentException(
                $"run '{run.Name}' did not store the attention maps of sentence {key} (enqueue with --attention to store them): pass --model FILE to compute them here");
        }
        var attention = await LocalAttention.ComputeAsync(pipeline, run.Manifest, key, model.FullName, cancellationToken);
        return (sample, prediction with { Attention = attention });
    }

}
