using System.Globalization;
using Azure.Data.Tables;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;
using VpdFunctions.Host.Tests.Storage;

namespace VpdFunctions.Host.Tests.Scenarios;

/// <summary>SegmentExpression invoked through the host protocol with a message dequeued from Azurite.</summary>
[Collection(HostCollection.Name)]
public sealed class SegmentExpressionTests(AzuriteFixture azurite, PublishedApp app)
{
    [Fact]
    public async Task SegmentExpression_SecondDeliveryOfAQueuedObject_WritesRowsMasksAndThatDequeueCount()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        await bed.Runs.EnqueueThresholdAsync("segment1", objects: 1, size: 32);
        await using var host = await bed.StartHostAsync();
        var trigger = bed.Trigger(host, "SegmentExpression");
        // An earlier delivery that ended without completing the message (a host that died, say).
        var earlier = (await trigger.Queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value;
        await trigger.Queue.UpdateMessageAsync(earlier.MessageId, earlier.PopReceipt, visibilityTimeout: TimeSpan.Zero);

        var delivery = await trigger.DeliverNextAsync(HostTestBed.InvocationTimeout);

        Assert.NotNull(delivery);
        Assert.True(delivery.Succeeded, $"{delivery.Response?.Result.Exception}\n{host.Process.Output}");
        Assert.Equal(QueueOutcome.Deleted, delivery.Outcome);
        Assert.Equal(2, delivery.Message.DequeueCount);
        var expression = HostTestBed.Expression(delivery.Message);
        var rows = await bed.Storage.RowsAsync(expression.Run);
        Assert.Equal(expression.RowKeys, rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        var truth = ForegroundOf(
            await bed.Storage.BlobAsync(AppStorage.InputsContainer, AppStorage.TruthBlob(expression.Dataset, 32, expression.RefId, expression.TruthSha256)), 32);
        foreach (var row in rows)
        {
            Assert.Equal("succeeded", row.GetString("Status"));
            // The QueueMessage the worker bound carried the delivery's dequeue count.
            Assert.Equal(2L, Convert.ToInt64(row["DequeueCount"], CultureInfo.InvariantCulture));
            var index = int.Parse(row.RowKey[(expression.RefId.Length + 1)..], CultureInfo.InvariantCulture);
            var mask = ForegroundOf(await bed.Storage.BlobAsync(AppStorage.RunsContainer, AppStorage.MaskBlob(expression.Run, expression.RefId, index)), 32);
            var (intersection, union) = Overlap(mask, truth);
            Assert.Equal(intersection, Convert.ToInt64(row["I"], CultureInfo.InvariantCulture));
            Assert.Equal(union, Convert.ToInt64(row["U"], CultureInfo.InvariantCulture));
        }
        Assert.Null((await trigger.Queue.PeekMessageAsync()).Value);
    }

    /// <summary>A mask PNG's pixels as foreground flags, checking the stored form: S x S, only 0 and 255.</summary>
    internal static bool[] ForegroundOf(byte[]? png, int size)
    {
        Assert.NotNull(png);
        using var image = Image.Load<L8>(png);
        Assert.Equal((size, size), (image.Width, image.Height));
        var pixels = new bool[size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var value = image[x, y].PackedValue;
                Assert.True(value is 0 or 255, $"mask pixel ({x}, {y}) is {value}, not 0 or 255");
                pixels[(y * size) + x] = value == 255;
            }
        }
        return pixels;
    }

    private static (long Intersection, long Union) Overlap(bool[] a, bool[] b) =>
        (a.Zip(b).Count(p => p.First && p.Second), a.Zip(b).Count(p => p.First || p.Second));
}
