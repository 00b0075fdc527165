using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteFixtureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Blob_UploadThenDownload_ReturnsSameBytes()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, AzuriteFixture.UniqueName("roundtrip"));
        await container.CreateAsync();
        var payload = new byte[] { 1, 2, 3, 250 };

        await container.GetBlobClient("a/b.bin").UploadAsync(new BinaryData(payload));
        var downloaded = await container.GetBlobClient("a/b.bin").DownloadContentAsync();

        Assert.Equal(payload, downloaded.Value.Content.ToArray());
    }

    [Fact]
    public async Task Queue_SendThenReceive_ReturnsSameBase64Message()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var queue = new QueueClient(azurite.ConnectionString, AzuriteFixture.UniqueName("roundtrip"), options);
        await queue.CreateAsync();

        await queue.SendMessageAsync("{\"run\":\"r1\"}");
        var received = await queue.ReceiveMessageAsync();

        Assert.Equal("{\"run\":\"r1\"}", received.Value.MessageText);
    }

    [Fact]
    public async Task Table_UpsertThenGet_ReturnsSameEntity()
    {
        var table = new TableClient(azurite.ConnectionString, AzuriteFixture.UniqueTableName("roundtrip"));
        await table.CreateAsync();
        var entity = new TableEntity("run1", "ref-0") { ["I"] = 42L, ["U"] = 100L };

        await table.UpsertEntityAsync(entity);
        var stored = await table.GetEntityAsync<TableEntity>("run1", "ref-0");

        Assert.Equal(42L, stored.Value.GetInt64("I"));
        Assert.Equal(100L, stored.Value.GetInt64("U"));
    }
}
