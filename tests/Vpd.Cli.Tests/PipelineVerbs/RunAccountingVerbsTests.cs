using System.Text.Json;
using Vpd.Core.Contracts;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary><c>vpd missing</c> and the rerun of <c>vpd enqueue</c> that queues exactly what is missing.</summary>
[Collection(CliAzuriteCollection.Name)]
public sealed class RunAccountingVerbsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Missing_MessagesLost_ListsThemAndRerunOfEnqueueQueuesExactlyThose()
    {
        using var bed = new CliTestBed(azurite);
        Assert.Equal(0, (await CliRun.InvokeAsync(bed.EnqueueArgs("lost"))).ExitCode);
        // Every expression message lost before any worker saw it.
        await bed.Clients.Queue(bed.Names.ExpressionsQueue).ClearMessagesAsync();

        var missing = await CliRun.InvokeAsync(["missing", "--run", "lost", "--json", .. bed.StorageArgs]);
        var work = await CliRun.InvokeAsync(bed.WorkArgs("lost"));
        var again = await CliRun.InvokeAsync(bed.EnqueueArgs("lost", "--json"));
        var rework = await CliRun.InvokeAsync(bed.WorkArgs("lost"));
        var none = await CliRun.InvokeAsync(["missing", "--run", "lost", .. bed.StorageArgs]);

        Assert.Equal(1, missing.ExitCode);
        using (var json = JsonDocument.Parse(missing.Output))
        {
            Assert.Equal(bed.ValSentences, json.RootElement.GetProperty("missing").GetInt32());
            var first = json.RootElement.GetProperty("sentences")[0];
            var firstRef = bed.Dataset.Refs("val")[0];
            Assert.Equal(firstRef.Sentences[0].Sent, first.GetProperty("text").GetString());
            Assert.Equal(firstRef.Sentences[0].SentId, first.GetProperty("sentId").GetInt64());
        }
        // The worker finds no work and says the run is stalled and how to finish it.
        Assert.Equal(1, work.ExitCode);
        Assert.Contains("vpd missing --run lost", work.Error, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.ToString());
        using (var json = JsonDocument.Parse(again.Output))
        {
            Assert.Equal(bed.ValSentences, json.RootElement.GetProperty("SentencesEnqueued").GetInt64());
        }
        Assert.True(rework.ExitCode == 0, rework.ToString());
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("run lost: 0 sentences without a result", none.Output, StringComparison.Ordinal);
    }
}
