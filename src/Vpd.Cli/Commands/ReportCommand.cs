using System.CommandLine;
using Microsoft.Extensions.Logging;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Reports;
using Vpd.Reports.Report;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd report --run RUN [--run RUN2 ...] --out DIR</c>: the self-contained HTML report of stored runs, rendered
/// here from what they stored; <c>--download</c> fetches the report the aggregator stored for one run instead.
/// </summary>
public static class ReportCommand
{
    public const string FileName = "report.html";

    public static Command Create()
    {
        var runs = new Option<string[]>("--run") { Description = "Run id; repeat for several runs side by side", Required = true, AllowMultipleArgumentsPerToken = true };
        var labels = new Option<string[]>("--label") { Description = "Column title of each run, in --run order (default: the run id)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write report.html into", Required = true };
        var download = new Option<bool>("--download") { Description = "Fetch the report the aggregator stored for the run (runs/{run}/report.html) instead of rendering one" };
        var title = new Option<string?>("--title") { Description = "The report's title" };
        var gallery = new Option<int>("--gallery") { Description = "Sentences in each of the best, median and worst galleries", DefaultValueFactory = _ => ReportOptions.Default.GallerySize };
        var command = new Command("report", "Write the HTML report of one or more runs (opens offline)") { runs, labels, output, download, title, gallery };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            var ids = parse.GetValue(runs)!.Select(r => Ids.Validate(r, "--run")).ToList();
            var names = parse.GetValue(labels) ?? [];
            if (names.Length > 0 && names.Length != ids.Count)
            {
                throw new ArgumentException($"--label was given {names.Length} times for {ids.Count} runs: give one per --run or none");
            }
            var folder = parse.GetValue(output)!;
            await using var pipeline = await CliPipeline.OpenAsync(parse, storage, LogLevel.Warning, cancellationToken);
            string html;
            if (parse.GetValue(download))
            {
                if (ids.Count != 1)
                {
                    throw new ArgumentException("--download fetches one run's stored report: give one --run");
                }
                html = await pipeline.Storage.Runs.FindReportAsync(ids[0], cancellationToken)
                    ?? throw new ArgumentException(
                        $"run '{ids[0]}' has no stored report yet ({pipeline.Storage.Runs.ReportLocation(ids[0])}): it is written when the run completes; render one now without --download");
            }
            else
            {
                var options = ReportOptions.Default with { Title = parse.GetValue(title), GallerySize = Positive(parse.GetValue(gallery), "--gallery") };
                html = await pipeline.Get<ReportWriter>().RenderAsync(
                    [.. ids.Select((id, i) => (id, names.Length > 0 ? names[i] : null))], options, cancellationToken);
            }
            folder.Create();
            var path = Path.Combine(folder.FullName, FileName);
            await File.WriteAllTextAsync(path, html, cancellationToken);
            io.Output.WriteLine(path);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static int Positive(int value, string option) =>
        value is >= 1 and <= 1000 ? value : throw new ArgumentException($"{option} {value} must be within 1..1000");
}
