using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd compare RUN...</c>: several runs side by side in the Table 1 layout, each with its noise step
/// from its manifest (the noise-step sweep).
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "Run ids, printed in this order", Arity = ArgumentArity.OneOrMore };
        var json = CommonOptions.Json();
        var command = new Command("compare", "Print several runs' metrics side by side (e.g. a noise-step sweep)") { runs, json };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var ids = parse.GetValue(runs)!.Select(r => Ids.Validate(r, "run")).ToList();
            var duplicate = ids.GroupBy(r => r, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ArgumentException($"run '{duplicate.Key}' is named twice");
            }
            using var pipeline = CliPipeline.Create(storage.Create(parse), parse.InvocationConfiguration.Error, Microsoft.Extensions.Logging.LogLevel.Warning);
            var reports = new List<RunReport>();
            foreach (var id in ids)
            {
                reports.Add(await RunReports.LoadAsync(pipeline.Storage, id, cancellationToken));
            }
            output.Write(parse.GetValue(json) ? MetricsTable.ToJson(reports) + Environment.NewLine : MetricsTable.Render(reports));
            return ExitCodes.Ok;
        });
        return command;
    }
}
