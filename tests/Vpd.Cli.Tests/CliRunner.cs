using System.CommandLine;

namespace Vpd.Cli.Tests;

/// <summary>Runs the <c>vpd</c> command tree in-process with its output and error streams captured.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Program.BuildRoot().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new Result(exitCode, output.ToString(), error.ToString());
    }
}
