using System.CommandLine;
using Vpd.Cli.Commands;
using Vpd.Cli.Common;
using Vpd.Model;

namespace Vpd.Cli;

/// <summary>Entry point of the <c>vpd</c> command; each verb lives in its own class under Commands/.</summary>
public static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Before any tensor exists: libtorch reads some of these switches once.
        TorchRuntime.Configure();
        return InvokeAsync(args, new InvocationConfiguration());
    }

    /// <summary>
    /// Parses and runs one command line; tests pass their own writers. A command line that does not parse
    /// (unknown verb or option, missing required option) is bad input like any other: exit code 2.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration io, CancellationToken cancellationToken = default)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await io.Error.WriteLineAsync($"error: {error.Message}");
            }
            return ExitCodes.BadInput;
        }
        return await parse.InvokeAsync(io, cancellationToken);
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("vpd: batch evaluation of VPD referring segmentation (RefCOCO family, RefShapes)");
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(SelftestCommand.Create());
        root.Subcommands.Add(EnqueueCommand.Create());
        root.Subcommands.Add(WorkCommand.Create());
        root.Subcommands.Add(AggregateCommand.Create());
        root.Subcommands.Add(MetricsCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        root.Subcommands.Add(MissingCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(FigureCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }
}
