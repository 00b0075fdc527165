using System.Text.Json;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests.PipelineVerbs;

[Collection(CliAzuriteCollection.Name)]
public sealed class BenchPipelineTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task BenchPipeline_SmallRunAfterWarmup_ReportsEverySentenceSucceeded()
    {
        using var bed = new CliTestBed(azurite);

        var result = await CliRun.InvokeAsync(["bench", "pipeline", "--sentences", "30", "--warmup-sentences", "9", "--json", .. bed.StorageArgs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(30, root.GetProperty("sentences").GetInt32());
        Assert.Equal(10, root.GetProperty("objects").GetInt32());
        Assert.Equal(9, root.GetProperty("warmupSentences").GetInt32());
        Assert.True(root.GetProperty("sentencesPerSecond").GetDouble() > 0);
        // Both runs went through the queues: the warm-up's rows sit in the table next to the timed run's.
        var partitions = new HashSet<string>();
        await foreach (var row in bed.Clients.Tables.GetTableClient(bed.Names.SamplesTable).QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey"]))
        {
            partitions.Add(row.PartitionKey);
        }
        Assert.Equal(2, partitions.Count);
    }

    [Fact]
    public async Task BenchPipeline_NegativeWarmup_ExitsBadInput()
    {
        var result = await CliRun.InvokeAsync("bench", "pipeline", "--warmup-sentences", "-3");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--warmup-sentences -3", result.Error);
    }
}
