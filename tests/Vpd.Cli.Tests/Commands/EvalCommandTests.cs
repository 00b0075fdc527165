using System.Text.Json.Nodes;
using Vpd.Cli.Common;
using Vpd.Core.Refer;

namespace Vpd.Cli.Tests.Commands;

[Collection(ModelVerbsCollection.Name)]
public sealed class EvalCommandTests(ModelVerbsFixture fixture)
{
    [Fact]
    public async Task Eval_JsonWithBaselinesAndControl_PrintsOneRowEachOverTheLimitedObjects()
    {
        var (code, output, error) = await CliRun.InvokeAsync(
            "eval", "--data", fixture.DataRoot, "--dataset", "refshapes", "--split", "val", "--checkpoint", fixture.ModelFile,
            "--limit", "3", "--baselines", "--shuffle-sentences", "--noise-step", "100", "--noise-seed", "4", "--json");

        Assert.True(code == ExitCodes.Ok, error);
        var root = JsonNode.Parse(output)!.AsObject();
        var rows = root["rows"]!.AsArray();
        Assert.Equal(4, rows.Count);
        Assert.Equal(100, (int)root["noiseStep"]!);
        var expected = ReferDataset.Load(fixture.DataRoot, "refshapes").Refs("val").Take(3).Sum(r => r.Sentences.Count);
        Assert.Equal(expected, (int)rows[0]!["sentences"]!);
        Assert.Equal(expected, (int)rows[2]!["sentences"]!);
        foreach (var row in rows)
        {
            Assert.InRange((double)row!["oIoU"]!, 0.0, 1.0);
            Assert.Equal(5, row["precision"]!.AsObject().Count);
        }
    }

    [Fact]
    public async Task Eval_Table_PrintsHeaderAndModelRow()
    {
        var (code, output, error) = await CliRun.InvokeAsync(
            "eval", "--data", fixture.DataRoot, "--dataset", "refshapes", "--checkpoint", fixture.ModelFile, "--limit", "2");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("oIoU", output, StringComparison.Ordinal);
        Assert.Contains("P@0.9", output, StringComparison.Ordinal);
        Assert.Contains(Environment.NewLine + "model ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_SplitNotInDataset_ExitsBadInputNamingIt()
    {
        var (code, _, error) = await CliRun.InvokeAsync(
            "eval", "--data", fixture.DataRoot, "--dataset", "refshapes", "--split", "testB", "--checkpoint", fixture.ModelFile);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("'testB'", error, StringComparison.Ordinal);
    }
}
