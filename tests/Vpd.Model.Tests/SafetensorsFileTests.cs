using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.TestSupport;

namespace Vpd.Model.Tests;

public sealed class SafetensorsFileTests
{
    [SkippableFact]
    public void Load_GoldenClipFile_ReadsEveryHeaderEntryWithItsShape()
    {
        var path = RepoPaths.Golden("clip_text_tiny.safetensors");
        var header = SafetensorsFile.ReadHeader(path);

        var tensors = SafetensorsFile.Load(path);

        Assert.Equal(header.Entries.Count, tensors.Count);
        foreach (var entry in header.Entries)
        {
            Assert.Equal(entry.Shape, tensors[entry.Name].shape);
        }
        Assert.True(header.Metadata.ContainsKey("config"));
    }

    [Fact]
    public void Save_ThenLoad_ReturnsSameTensorsAndMetadata()
    {
        using var dir = new TempDir();
        var path = dir.File("m.safetensors");
        var a = torch.randn(3, 5);
        var b = torch.tensor(new long[] { 7, -1 });
        var scalar = torch.tensor(1234L);

        SafetensorsFile.Save(path, [new("a", a), new("b", b), new("s", scalar)], new Dictionary<string, string> { ["config"] = "{}" });
        var loaded = SafetensorsFile.Load(path);

        Assert.True(a.allclose(loaded["a"], rtol: 0, atol: 0));
        Assert.True(b.allclose(loaded["b"], rtol: 0, atol: 0));
        Assert.Empty(loaded["s"].shape);
        Assert.Equal(1234L, loaded["s"].item<long>());
        Assert.Equal("{}", SafetensorsFile.ReadMetadata(path)["config"]);
    }

    [Fact]
    public void ReadHeader_TruncatedFile_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, [200, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.ReadHeader(path));

        Assert.Contains(path, error.Message);
    }
}
