using Azure.Storage.Blobs.Specialized;
using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;
using VpdFunctions.Host.Tests.Storage;
using VpdFunctions.Host.Tests.Rpc;

namespace VpdFunctions.Host.Tests.Scenarios;

/// <summary>
/// A fault the processor does not record as bad input (here a storage error: a mask blob it must overwrite
/// is leased by someone else) comes back to the host as a failed invocation, which is what makes the host
/// retry it and finally move it to the poison queue, where HandlePoisonExpression records failed rows.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class RetryAndPoisonTests(AzuriteFixture azurite, PublishedApp app)
{
    [Fact]
    public async Task SegmentExpression_StorageErrorOnEveryTry_FailsUntilPoisonedThenHandlePoisonRecordsFailedRows()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        await bed.Runs.EnqueueThresholdAsync("poison1", objects: 1);
        var queued = (await bed.Storage.Queues.GetQueueClient(AppStorage.ExpressionsQueue).PeekMessageAsync()).Value;
        var expression = HostTestBed.Expression(queued);
        var blocked = bed.Storage.Blobs.GetBlobContainerClient(AppStorage.RunsContainer)
            .GetBlobClient(AppStorage.MaskBlob(expression.Run, expression.RefId, expression.Sentences[0]));
        await blocked.UploadAsync(BinaryData.FromString("held by another writer"), overwrite: true);
        var lease = blocked.GetBlobLeaseClient();
        await lease.AcquireAsync(TimeSpan.FromSeconds(-1));
        try
        {
            await using var host = await bed.StartHostAsync();
            // The retry delay is host.json's visibilityTimeout on Azure; the harness retries at once.
            var segment = bed.Trigger(host, "SegmentExpression", retryDelay: TimeSpan.Zero);

            var deliveries = await segment.DeliverAllAsync(HostTestBed.InvocationTimeout);

            Assert.Equal(app.Queues.MaxDequeueCount, deliveries.Count);
            Assert.Equal(Enumerable.Range(1, app.Queues.MaxDequeueCount).Select(i => (long)i), deliveries.Select(d => d.Message.DequeueCount));
            Assert.All(deliveries, d =>
            {
                Assert.Equal(StatusResult.Types.Status.Failure, d.Response!.Result.Status);
                // The function's own exception, as the host logs it and Application Insights records it.
                Assert.True(d.Response.Result.Exception.IsUserException);
                Assert.Equal("Azure.RequestFailedException", d.Response.Result.Exception.Type);
                Assert.Contains("lease", d.Response.Result.Exception.Message, StringComparison.OrdinalIgnoreCase);
            });
            Assert.Equal([.. Enumerable.Repeat(QueueOutcome.Released, app.Queues.MaxDequeueCount - 1), QueueOutcome.MovedToPoison], deliveries.Select(d => d.Outcome));
            Assert.Empty(await bed.Storage.RowsAsync(expression.Run));

            var poison = await bed.Trigger(host, "HandlePoisonExpression").DeliverNextAsync(HostTestBed.InvocationTimeout);

            Assert.NotNull(poison);
            Assert.True(poison.Succeeded, $"{poison.Response?.Result.Exception}\n{host.Process.Output}");
            Assert.Equal(queued.Body.ToString(), poison.Message.Body.ToString());
            var rows = await bed.Storage.RowsAsync(expression.Run);
            Assert.Equal(expression.RowKeys, rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
            Assert.All(rows, r =>
            {
                Assert.Equal("failed", r.GetString("Status"));
                // Before the poison delivery the run had no rows: these come from HandlePoisonExpression.
                Assert.False(string.IsNullOrWhiteSpace(r.GetString("Error")), $"row {r.RowKey} is failed without a reason");
            });
        }
        finally
        {
            await lease.ReleaseAsync();
        }
    }
}
