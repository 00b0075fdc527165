using System.CommandLine;

namespace Vpd.Cli.Tests;

/// <summary>What one in-process <c>vpd</c> invocation returned and printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the CLI entry point in this process with captured output (no console involved).</summary>
internal static class CliRun
{
    public static async Task<CliResult> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Program.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(exit, output.ToString(), error.ToString());
    }
}
