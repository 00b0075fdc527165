using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>
/// A model file workers cannot use is bad input: its messages become failed rows naming the model's hash at
/// their first delivery, instead of five retries ending in "exceeded max dequeue count" about libtorch.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostileModelTests(AzuriteFixture azurite)
{
    private const string Run = "run-hostile";

    [Theory]
    [InlineData("absurd-text-intermediate-size")]
    [InlineData("aliased-tensors")]
    public async Task Worker_HostileModelFile_FailedRowsNamingTheModelHashAtFirstDelivery(string hostile)
    {
        using var bed = new PipelineTestBed(azurite, new ModelSegmenterFactory());
        using var dir = new TempDir();
        var model = HostileModelFiles.Write(hostile, dir.Path);
        var request = bed.Request(Run, bed.Objects(2)) with { Model = model, ModelKind = "vpd-tiny" };
        var enqueued = await bed.Services.Enqueuer.EnqueueAsync(request, null, default);
        var sentences = request.Objects.Sum(o => o.Sentences.Count);

        var events = new List<WorkerEvent>();
        using (var cts = new CancellationTokenSource())
        {
            var worker = bed.Services.CreateWorker(
                new WorkerOptions { MinPollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(100) },
                new SyncProgress<WorkerEvent>(events.Add)).RunAsync(cts.Token);
            await PipelineTestBed.WaitUntilAsync(
                () => Task.FromResult(events.Count(e => e.Queue == bed.Names.ExpressionsQueue) >= request.Objects.Count),
                TimeSpan.FromSeconds(60), "every message handled");
            await cts.CancelAsync();
            await worker;
        }

        var rows = await bed.RowsAsync(Run);
        Assert.Equal(sentences, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(SampleStatus.Failed, row.GetString("Status"));
            Assert.Equal(1L, row.GetInt64("DequeueCount"));
            var error = row.GetString("Error")!;
            Assert.Contains($"{enqueued.ModelSha256}.safetensors: ", error, StringComparison.Ordinal);
            foreach (var part in HostileModelFiles.Named(hostile).ExpectedProblem)
            {
                Assert.Contains(part, error, StringComparison.Ordinal);
            }
        }
        Assert.All(events.Where(e => e.Queue == bed.Names.ExpressionsQueue), e => Assert.Equal(WorkerEventKind.Completed, e.Kind));
        Assert.False(await bed.Storage.ExpressionsPoisonQueue.ExistsAsync()
            && (await bed.Storage.ExpressionsPoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
    }
}
