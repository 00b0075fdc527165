using System.CommandLine;

namespace Vpd.Cli;

/// <summary>Entry point of the <c>vpd</c> command; each verb lives in its own class under Commands/.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => BuildRoot().Parse(args).InvokeAsync();

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("vpd: batch evaluation of VPD referring segmentation (RefCOCO family, RefShapes)");
        root.Subcommands.Add(Commands.EvalCommand.Create());
        root.Subcommands.Add(Commands.TrainCommand.Create());
        return root;
    }
}
