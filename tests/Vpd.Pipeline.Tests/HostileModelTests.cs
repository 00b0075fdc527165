using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>
/// A model file workers cannot use is bad input: its messages become failed rows naming the model's hash at
/// their first delivery, instead of five retries ending in a poisoned message about libtorch.
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
        var request = bed.Request(Run, bed.Objects(2)) with { Model = new Vpd.Pipeline.Enqueue.ModelChoice(model, "vpd-tiny", "{}") };
        var enqueued = await bed.Enqueuer.EnqueueAsync(request, null, default);
        var sentences = request.Objects.Sum(o => o.Sentences.Count);

        var metrics = await bed.RunWorkerUntilDoneAsync(Run, TimeSpan.FromSeconds(60));

        var rows = await bed.RowsAsync(Run);
        Assert.Equal(sentences, rows.Count);
        foreach (var row in rows.Values)
        {
            Assert.Equal((SampleStatus.Failed, 1L), (row.Status, row.DequeueCount));
            Assert.Contains($"{enqueued.ModelSha256}.safetensors: ", row.Error, StringComparison.Ordinal);
            foreach (var part in HostileModelFiles.Named(hostile).ExpectedProblem)
            {
                Assert.Contains(part, row.Error, StringComparison.Ordinal);
            }
        }
        Assert.Equal(sentences, metrics.Counts.Failed);
        Assert.Equal((0L, 0L), (bed.Worker.Retried, bed.Worker.Poisoned));
    }
}
