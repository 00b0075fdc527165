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
        pick.AcceptOnlyFromAmong(RunFigures.Picks);
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
            var loaded = await RunFigures.LoadAsync(pictures, parse.GetValue(runs)!, parse.GetValue(labels), cancellationToken);
            var png = await RunFigures.OverlaysAsync(
                pictures, loaded, parse.GetValue(pick)!, ReportCommand.Positive(parse.GetValue(count), "--count"),
                ReportCommand.Positive(parse.GetValue(columns), "--columns"), cancellationToken);
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
            var loaded = await RunFigures.LoadAsync(pictures, parse.GetValue(runs)!, parse.GetValue(labels), cancellationToken);
            var key = new SampleKey(Ids.Validate(parse.GetValue(refId)!, "--ref"), parse.GetValue(sentence));
            var options = AttentionFigureOptions.Default with { IncludePadding = parse.GetValue(padding) };
            var png = await RunFigures.AttentionAsync(pipeline, pictures, loaded, key, parse.GetValue(model), options, cancellationToken);
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
            var loaded = (await RunFigures.LoadAsync(pictures, [parse.GetValue(run)!], null, cancellationToken))[0];
            var key = new SampleKey(Ids.Validate(parse.GetValue(refId)!, "--ref"), parse.GetValue(sentence));
            var (sample, prediction) = await RunFigures.WithAttentionAsync(pipeline, pictures, loaded, key, parse.GetValue(model), cancellationToken);
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

    private static async Task<int> WriteAsync(FileInfo file, byte[] png, TextWriter output, CancellationToken cancellationToken)
    {
        file.Directory?.Create();
        await File.WriteAllBytesAsync(file.FullName, png, cancellationToken);
        output.WriteLine(file.FullName);
        return ExitCodes.Ok;
    }
}
