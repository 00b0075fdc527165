using Vpd.TestSupport;

namespace Vpd.Cli.Tests.PipelineVerbs;

[Collection(CliAzuriteCollection.Name)]
public sealed class DemoVerbTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Demo_ThresholdSegmenterOnGivenStorage_CompletesAndSaysWhereMasksAre()
    {
        using var bed = new CliTestBed(azurite);

        var result = await CliRun.InvokeAsync(["demo", "--segmenter", "threshold", "--data", bed.DataRoot, .. bed.StorageArgs]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("dataset: RefShapes in", result.Output, StringComparison.Ordinal);
        var run = result.Output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("demo-", StringComparison.Ordinal)).Split(' ')[0];
        var row = PrintedTable.Row(result.Output, run);
        Assert.Equal((bed.ValSentences.ToString(System.Globalization.CultureInfo.InvariantCulture), "complete"), (row["succeeded"], row["state"]));
        Assert.Contains($"/{run}/masks/", result.Output, StringComparison.Ordinal);
        var masks = 0;
        await foreach (var _ in bed.Clients.Blobs.GetBlobContainerClient(bed.Names.RunsContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{run}/masks/", default))
        {
            masks++;
        }
        Assert.Equal(bed.ValSentences, masks);
    }
}
