using Azure.Identity;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Tests;

public sealed class StorageLayoutTests
{
    [Fact]
    public void BlobNames_ValidIds_FollowTheArchitecture()
    {
        var sha = new string('a', 64);
        Assert.Equal("refcoco/images/COCO_1.jpg", StorageLayout.ImageBlob("refcoco", "COCO_1"));
        Assert.Equal("refcoco/truth/r-9.png", StorageLayout.TruthBlob("refcoco", "r-9"));
        Assert.Equal("run1/manifest.json", StorageLayout.ManifestBlob("run1"));
        Assert.Equal("run1/masks/r-9-3.png", StorageLayout.MaskBlob("run1", "r-9", 3));
        Assert.Equal("run1/metrics.json", StorageLayout.MetricsBlob("run1"));
        Assert.Equal($"{sha}.safetensors", StorageLayout.ModelBlob(sha));
        Assert.Equal("r-9-3", StorageLayout.SampleKey("r-9", 3));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("x?y")]
    public void BlobNames_UnsafeId_ThrowNamingWhichId(string bad)
    {
        Assert.Equal("imageId", Assert.Throws<InvalidIdException>(() => StorageLayout.ImageBlob("refcoco", bad)).Kind);
        Assert.Equal("refId", Assert.Throws<InvalidIdException>(() => StorageLayout.TruthBlob("refcoco", bad)).Kind);
        Assert.Equal("run", Assert.Throws<InvalidIdException>(() => StorageLayout.ManifestBlob(bad)).Kind);
        Assert.Equal("dataset", Assert.Throws<InvalidIdException>(() => StorageLayout.ImageBlob(bad, "i")).Kind);
        Assert.Throws<InvalidIdException>(() => StorageLayout.ModelBlob(bad));
    }

    [Fact]
    public void SampleKey_NegativeIndex_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StorageLayout.SampleKey("r", -1));
    }

    [Fact]
    public void Default_Names_AreTheProductionOnes()
    {
        var names = StorageNames.Default;
        Assert.Equal(
            ["inputs", "models", "runs", "vpd-expressions", "vpd-expressions-poison", "vpd-aggregate", "vpd-aggregate-poison", "VpdSamples", "VpdRuns"],
            [names.InputsContainer, names.ModelsContainer, names.RunsContainer, names.ExpressionsQueue, names.ExpressionsPoisonQueue,
             names.AggregateQueue, names.AggregatePoisonQueue, names.SamplesTable, names.RunsTable]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("1abc")]
    [InlineData("with-dash")]
    [InlineData("abcdefghijklmnopqrstu")]
    public void WithPrefix_InvalidPrefix_Throws(string prefix)
    {
        Assert.Throws<ArgumentException>(() => StorageNames.WithPrefix(prefix));
    }

    [Fact]
    public void FromAccount_Name_BuildsAzureEndpointsWithBase64Queues()
    {
        var clients = StorageClients.FromAccount("vpdstore1", new DefaultAzureCredential());

        Assert.Equal("https://vpdstore1.blob.core.windows.net/", clients.Blobs.Uri.ToString());
        Assert.Equal("https://vpdstore1.queue.core.windows.net/vpd-expressions", clients.ExpressionsQueue.Uri.ToString());
        Assert.Equal("https://vpdstore1.table.core.windows.net/", clients.Tables.Uri.ToString());
        Assert.Throws<ArgumentException>(() => StorageClients.FromAccount("Bad_Name"));
    }
}
