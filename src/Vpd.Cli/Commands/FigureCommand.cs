using System.CommandLine;
using Microsoft.Extensions.Logging;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Reports;
using Vpd.Reports.Figures;
using Vpd.Reports.Report;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd figure overlays|attention|threshold</c>: the seed report's figure kinds as PNG files, drawn from what queued
/// runs stored (images, truth and mask blobs, attention blobs); attention a run did not store can be computed here
/// from the model file (<c>--model</c>).
/// </summary>
public static class FigureCommand
{
    public static Command Create()
    {
        var figure = new Command("figure", "Draw the seed report's figures (PNG) from stored runs");
        figure.Subcommands.Add(CreateOverlays());
        figure.Subcommands.Add(CreateAttention());
        figure.Subcommands.Add(CreateThreshold());
        return figure;
    }

    private static Option<string[]> Runs() =>
        new("--run") { Description = "Run id; repeat for the same samples across runs side by side", Required = true, AllowMultipleArgumentsPerToken = true };

    private static Option<string[]> Labels() =>
        new("--label") { Description = "Column title of each run, in --run order (default: the run id)", AllowMultipleArgumentsPerToken = true };

    private static Option<FileInfo> Out() => new("--out") { Description = "PNG file to write", Required = true };

    private static Command CreateOverlays()
    {
        var runs = Runs();
        var labels = Labels();
        var output = Out();
        var count = new Option<int>("--count") { Description = "Samples to draw", DefaultValueFactory = _ => 8 };
        var pick = new Option<string>("--pick") { Description = "Which samples: first (run order), best, median or worst (by the first run's IoU)", DefaultValueFactory = _ => "first" };
        pick.AcceptOnlyFromAmong("first", "best", "median", "worst");
        var columns = new Option<int>("--columns") { Description = "Columns of a one-run grid", DefaultValueFactory = _ => 4 };
        var command = new Command("overlays", "Images with the truth (green) and prediction (red) contours, captioned with the sentence and IoU")
        {
            runs, labels, output, count, pick, columns,
        };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            await using var pipeline = await CliPipeline.OpenAsync(parse, storage, LogLevel.Warning, cancellationToken);
            var pictures = pipeline.Get<RunPictures>();
            var loaded = await LoadRunsAsync(pictures, parse.GetValue(runs)!, parse.GetValue(labels), cancellationToken);
            var keys = Pick(loaded, parse.GetValue(pick)!, ReportCommand.Positive(parse.GetValue(count), "--count"));
            if (keys.Count == 0)
            {
                throw new ArgumentException("no sentence has a row in every run given");
            }
            byte[] png;
            if (loaded.Count == 1)
            {
                var samples = new List<FigureSample>();
                foreach (var key in keys)
                {
                    var (sample, prediction) = await pictures.LoadAsync(loaded[0], Row(loaded[0], key), false, cancellationToken);
                    samples.Add(new FigureSample(sample, prediction));
                }
                png = OverlayFigures.Grid(samples, ReportCommand.Positive(parse.GetValue(columns), "--columns"), heading: $"run {loaded[0].Title}");
            }
            else
            {
                var samples = new List<SampleView>();
                var predictions = loaded.Select(_ => new List<SamplePrediction>()).ToList();
                foreach (var key in keys)
                {
                    for (var r = 0; r < loaded.Count; r++)
                    {
                        var (sample, prediction) = await pictures.LoadAsync(loaded[r], Row(loaded[r], key), false, cancellationToken);
                        if (r == 0)
                        {
                            samples.Add(sample);
                        }
                        predictions[r].Add(prediction);
                    }
                }
                png = OverlayFigures.AcrossRuns(samples, [.. loaded.Select((run, r) => new RunPredictions(run.Title, predictions[r]))]);
            }
            return await WriteAsync(parse.GetValue(output)!, png, io.Output, cancellationToken);
        });
        return command;
    }

    private static Command CreateAttention()
    {
        var runs = Runs();
        var labels = Labels();
        var output = Out();
        var (refId, sentence, model, padding) = SentenceOptions();
        var command = new Command("attention", "One sentence's per-token cross-attention maps at both levels, over the image with the contours")
        {
            runs, labels, output, refId, sentence, model, padding,
        };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            await using var pipeline = await CliPipeline.OpenAsync(parse, storage, LogLevel.Warning, cancellationToken);
            var pictures = pipeline.Get<RunPictures>();
            var loaded = await LoadRunsAsync(pictures, parse.GetValue(runs)!, parse.GetValue(labels), cancellationToken);
            var key = new SampleKey(Ids.Validate(parse.GetValue(refId)!, "--ref"), parse.GetValue(sentence));
            var options = AttentionFigureOptions.Default with { IncludePadding = parse.GetValue(padding) };
            SampleView? view = null;
            var predictions = new List<(string, SamplePrediction)>();
            foreach (var run in loaded)
            {
                var (sample, prediction) = await WithAttentionAsync(pipeline, pictures, run, key, parse.GetValue(model), cancellationToken);
                view ??= sample;
                predictions.Add((run.Title, prediction));
            }
            var png = loaded.Count == 1
                ? AttentionFigures.TokenGrid(view!, predictions[0].Item2, options)
                : AttentionFigures.AcrossRuns(view!, predictions, options);
            return await WriteAsync(parse.GetValue(output)!, png, io.Output, cancellationToken);
        });
        return command;
    }

    private static Command CreateThreshold()
    {
        var run = new Option<string>("--run") { Description = "Run id", Required = true };
        var output = Out();
        var (refId, sentence, model, _) = SentenceOptions();
        var token = new Option<int>("--token") { Description = "Token position (0 is the start token; see `vpd figure attention`)", DefaultValueFactory = _ => 1 };
        var side = new Option<int?>("--side") { Description = "Map side (default: the finest level stored, S/16)" };
        var fraction = new Option<double>("--fraction") { Description = "Share of the map's lowest values zeroed", DefaultValueFactory = _ => 0.8 };
        var command = new Command("threshold", "One token's attention map with its lowest values zeroed, over the image (the seed report's Fig. 2)")
        {
            run, output, refId, sentence, model, token, side, fraction,
        };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            var share = parse.GetValue(fraction);
            if (share is < 0 or >= 1 || double.IsNaN(share))
            {
                throw new ArgumentException($"--fraction {share} must be within 0 (inclusive) and 1 (exclusive)");
            }
            await using var pipeline = await CliPipeline.OpenAsync(parse, storage, LogLevel.Warning, cancellationToken);
            var pictures = pipeline.Get<RunPictures>();
            var loaded = (await LoadRunsAsync(pictures, [parse.GetValue(run)!], null, cancellationToken))[0];
            var key = new SampleKey(Ids.Validate(parse.GetValue(refId)!, "--ref"), parse.GetValue(sentence));
            var (sample, prediction) = await WithAttentionAsync(pipeline, pictures, loaded, key, parse.GetValue(model), cancellationToken);
            var position = parse.GetValue(token);
            var tokens = prediction.Attention!.TokenCount;
            if (position < 0 || position >= tokens)
            {
                throw new ArgumentException($"--token {position} must be within 0..{tokens - 1} (the sentence's token positions)");
            }
            var png = AttentionFigures.Thresholded(sample, prediction, position, parse.GetValue(side), share);
            return await WriteAsync(parse.GetValue(output)!, png, io.Output, cancellationToken);
        });
        return command;
    }

    private static (Option<string> RefId, Option<int> Sentence, Option<FileInfo?> Model, Option<bool> Padding) SentenceOptions() =>
    (
        new Option<string>("--ref") { Description = "The referred object's ref id", Required = true },
        new Option<int>("--sentence") { Description = "The sentence's index within the object", DefaultValueFactory = _ => 0 },
        new Option<FileInfo?>("--model") { Description = "When a run did not store the sentence's attention: compute it here from this model file (the run's model)" },
        new Option<bool>("--padding") { Description = "Show padding token positions too" }
    );

    private static async Task<IReadOnlyList<ReportRun>> LoadRunsAsync(RunPictures pictures, string[] runs, string[]? labels, CancellationToken cancellationToken)
    {
        var ids = runs.Select(r => Ids.Validate(r, "--run")).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            throw new ArgumentException("a run is named twice in --run");
        }
        labels ??= [];
        if (labels.Length > 0 && labels.Length != ids.Count)
        {
            throw new ArgumentException($"--label was given {labels.Length} times for {ids.Count} runs: give one per --run or none");
        }
        var loaded = new List<ReportRun>();
        for (var i = 0; i < ids.Count; i++)
        {
            loaded.Add(await pictures.LoadRunAsync(ids[i], labels.Length > 0 ? labels[i] : null, cancellationToken));
        }
        return loaded;
    }

    /// <summary>Sentences every run has a row for, chosen by the first run's order or IoU.</summary>
    private static IReadOnlyList<SampleKey> Pick(IReadOnlyList<ReportRun> runs, string how, int count)
    {
        var common = runs[0].Rows.Where(row => runs.All(run => run.Rows.Any(other => other.Key == row.Key))).ToList();
        var byIou = common.OrderBy(r => r.Score).ThenBy(r => r.RefId, StringComparer.Ordinal).ThenBy(r => r.SentenceIndex).ToList();
        var chosen = how switch
        {
            "best" => byIou.AsEnumerable().Reverse().Take(count),
            "worst" => byIou.Take(count),
            "median" => byIou.Skip(Math.Max(0, (byIou.Count - count) / 2)).Take(count),
            _ => common.Take(count),
        };
        return [.. chosen.Select(r => r.Key)];
    }

    private static SentenceRow Row(ReportRun run, SampleKey key) =>
        run.Rows.FirstOrDefault(r => r.Key == key) ?? throw new ArgumentException($"run '{run.Name}' has no row for sentence {key}");

    /// <summary>The sentence with its attention maps: the run's stored ones, else computed here from <paramref name="model"/>.</summary>
    private static async Task<(SampleView Sample, SamplePrediction Prediction)> WithAttentionAsync(
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

    private static async Task<int> WriteAsync(FileInfo file, byte[] png, TextWriter output, CancellationToken cancellationToken)
    {
        file.Directory?.Create();
        await File.WriteAllBytesAsync(file.FullName, png, cancellationToken);
        output.WriteLine(file.FullName);
        return ExitCodes.Ok;
    }
}
