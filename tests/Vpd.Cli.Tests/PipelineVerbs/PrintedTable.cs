namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary>Reads the runs table <c>vpd metrics</c>/<c>vpd compare</c> print: a header line, a rule, one line per run.</summary>
internal static class PrintedTable
{
    public static IReadOnlyDictionary<string, string> Row(string output, string run)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines.First(l => l.StartsWith("run ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var row = lines.First(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0] == run).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(header.Length, row.Length);
        return header.Zip(row).ToDictionary(p => p.First, p => p.Second);
    }

    public static IReadOnlyList<string> RunOrder(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SkipWhile(l => !l.StartsWith("---", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("not complete", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
}
