using System.CommandLine;

namespace Vpd.Cli.Tests.Commands;

/// <summary>
/// Runs one `vpd` command line in-process and captures what it writes. Console.Error is redirected too
/// (the shared verb runner reports bad input there); callers run in a collection without parallelism.
/// </summary>
internal static class CliRun
{
    public static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var parse = Program.BuildRoot().Parse(args);
        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)));
        var console = Console.Error;
        Console.SetError(error);
        try
        {
            var code = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetError(console);
        }
    }
}
