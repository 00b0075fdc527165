using Azure.Identity;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Tests;

public sealed class StorageLayoutTests
{
    private static readonly string Sha = new('a', 64);

    [Fact]
    public void BlobNames_ValidIds_NameInputsByWhatTheyAre()
    {
        Assert.Equal($"refcoco/images/COCO_1/{Sha}", StorageLayout.ImageBlob("refcoco", "COCO_1", Sha));
        Assert.Equal($"refcoco/truth/512/r-9/{Sha}.png", StorageLayout.TruthBlob("refcoco", 512, "r-9", Sha));
        Assert.Equal("run1/manifest.json", StorageLayout.ManifestBlob("run1"));
        Assert.Equal("run1/objects.json", StorageLayout.ObjectsBlob("run1"));
        Assert.Equal("run1/masks/r-9-3.png", StorageLayout.MaskBlob("run1", new SampleId("r-9", 3)));
        Assert.Equal("run1/attention/r-9-3.bin", StorageLayout.AttentionBlob("run1", new SampleId("r-9", 3)));
        Assert.Equal("run1/metrics.json", StorageLayout.MetricsBlob("run1"));
        Assert.Equal("run1/report.html", StorageLayout.ReportBlob("run1"));
        Assert.Equal($"{Sha}.safetensors", StorageLayout.ModelBlob(Sha));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("x?y")]
    public void BlobNames_UnsafeId_ThrowNamingWhichId(string bad)
    {
        Assert.Equal("imageId", Assert.Throws<InvalidIdException>(() => StorageLayout.ImageBlob("refcoco", bad, Sha)).Kind);
        Assert.Equal("refId", Assert.Throws<InvalidIdException>(() => StorageLayout.TruthBlob("refcoco", 8, bad, Sha)).Kind);
        Assert.Equal("run", Assert.Throws<InvalidIdException>(() => StorageLayout.ManifestBlob(bad)).Kind);
        Assert.Equal("dataset", Assert.Throws<InvalidIdException>(() => StorageLayout.ImageBlob(bad, "i", Sha)).Kind);
        Assert.Equal("imageSha256", Assert.Throws<InvalidIdException>(() => StorageLayout.ImageBlob("refcoco", "i", bad)).Kind);
        Assert.Throws<InvalidIdException>(() => StorageLayout.ModelBlob(bad));
    }

    [Fact]
    public void SampleId_NegativeIndex_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SampleId("r", -1).ToString());
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
    public void FromAccount_Name_BuildsAzureEndpoints()
    {
        var clients = StorageClients.FromAccount("vpdstore1", new DefaultAzureCredential());

        Assert.Equal("https://vpdstore1.blob.core.windows.net/", clients.Blobs.Uri.ToString());
        Assert.Equal("https://vpdstore1.queue.core.windows.net/vpd-expressions", clients.Queue(clients.Names.ExpressionsQueue).Uri.ToString());
        Assert.Equal("https://vpdstore1.table.core.windows.net/", clients.Tables.Uri.ToString());
        Assert.Throws<ArgumentException>(() => StorageClients.FromAccount("Bad_Name"));
    }
}
