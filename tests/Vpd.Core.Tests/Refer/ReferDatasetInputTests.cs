using System.Text.Json.Nodes;
using Vpd.Core.Imaging;
using Vpd.Core.Refer;
using Vpd.TestSupport;

namespace Vpd.Core.Tests.Refer;

/// <summary>Damaged copies of refer_tiny: every problem must be an error that names the file and the id.</summary>
public sealed class ReferDatasetInputTests
{
    [SkippableFact]
    public void Load_CorruptPickle_ErrorNamesRefsFile()
    {
        using var copy = ReferTinyGolden.CopyToTemp();
        var refsPath = Path.Combine(copy.Path, "refcoco", "refs(unc).p");
        var bytes = File.ReadAllBytes(refsPath);
        File.WriteAllBytes(refsPath, bytes[..(bytes.Length - 40)]);
        var error = Assert.Throws<InvalidDataException>(() => ReferDataset.Load(copy.Path, "refcoco"));
        Assert.Contains(refsPath, error.Message);
        Assert.Contains("corrupt", error.Message);
    }

    [SkippableFact]
    public void Load_RefWhoseAnnotationIsMissing_ErrorNamesRefAndInstancesFile()
    {
        using var copy = ReferTinyGolden.CopyToTemp();
        var instancesPath = Path.Combine(copy.Path, "refcoco", "instances.json");
        var instances = JsonNode.Parse(File.ReadAllText(instancesPath))!;
        var annotations = instances["annotations"]!.AsArray();
        var dataset = ReferDataset.Load(ReferTinyGolden.Root, "refcoco");
        var victim = dataset.AllRefs[0];
        var index = annotations.ToList().FindIndex(a => (long)a!["id"]! == victim.AnnId);
        annotations.RemoveAt(index);
        File.WriteAllText(instancesPath, instances.ToJsonString());
        var error = Assert.Throws<InvalidDataException>(() => ReferDataset.Load(copy.Path, "refcoco"));
        Assert.Contains(instancesPath, error.Message);
        Assert.Contains($"ref {victim.RefId}", error.Message);
        Assert.Contains($"annotation {victim.AnnId}", error.Message);
    }

    [SkippableFact]
    public void Load_RefWhoseImageEntryIsMissing_ErrorNamesRefAndImage()
    {
        using var copy = ReferTinyGolden.CopyToTemp();
        var instancesPath = Path.Combine(copy.Path, "refcoco", "instances.json");
        var instances = JsonNode.Parse(File.ReadAllText(instancesPath))!;
        var images = instances["images"]!.AsArray();
        var dataset = ReferDataset.Load(ReferTinyGolden.Root, "refcoco");
        var victim = dataset.AllRefs[0];
        images.RemoveAt(images.ToList().FindIndex(i => (long)i!["id"]! == victim.ImageId));
        File.WriteAllText(instancesPath, instances.ToJsonString());
        var error = Assert.Throws<InvalidDataException>(() => ReferDataset.Load(copy.Path, "refcoco"));
        Assert.Contains(instancesPath, error.Message);
        Assert.Contains($"image {victim.ImageId}", error.Message);
    }

    [SkippableFact]
    public void LoadImage_ImageFileMissing_ErrorNamesImagePath()
    {
        using var copy = ReferTinyGolden.CopyToTemp();
        var dataset = ReferDataset.Load(copy.Path, "refcoco");
        var sample = dataset.Samples(dataset.Splits[0])[0];
        File.Delete(sample.ImagePath);
        var error = Assert.Throws<FileNotFoundException>(() => EvalTransform.LoadImage(sample.ImagePath, 32));
        Assert.Contains(sample.ImagePath, error.Message);
    }

    [SkippableFact]
    public void Load_InstancesFileMissing_ErrorNamesIt()
    {
        using var copy = ReferTinyGolden.CopyToTemp();
        var instancesPath = Path.Combine(copy.Path, "refcoco", "instances.json");
        File.Delete(instancesPath);
        var error = Assert.Throws<FileNotFoundException>(() => ReferDataset.Load(copy.Path, "refcoco"));
        Assert.Contains(instancesPath, error.Message);
    }

    [SkippableFact]
    public void Load_ImageFileNameWithPathSeparators_Refused()
    {
        using var copy = ReferTinyGolden.CopyToTemp();
        var instancesPath = Path.Combine(copy.Path, "refcoco", "instances.json");
        var instances = JsonNode.Parse(File.ReadAllText(instancesPath))!;
        instances["images"]!.AsArray()[0]!["file_name"] = "../../etc/passwd";
        File.WriteAllText(instancesPath, instances.ToJsonString());
        var error = Assert.Throws<InvalidDataException>(() => ReferDataset.Load(copy.Path, "refcoco"));
        Assert.Contains(instancesPath, error.Message);
        Assert.Contains("file_name", error.Message);
    }

    [Fact]
    public void Load_MissingRefsFile_ErrorNamesPath()
    {
        using var temp = new TempDir();
        var error = Assert.Throws<FileNotFoundException>(() => ReferDataset.Load(temp.Path, "refcocog-umd"));
        Assert.Contains(Path.Combine(temp.Path, "refcocog", "refs(umd).p"), error.Message);
    }

    [Fact]
    public void FromId_KnownIdsAndAlias_MapToFolderAndSplitBy()
    {
        Assert.Equal(("refcoco+", "unc"), (ReferDatasetLayout.FromId("refcoco+").Folder, ReferDatasetLayout.FromId("refcoco+").SplitBy));
        Assert.Equal("refcocoplus", ReferDatasetLayout.NormalizeId("refcoco+"));
        Assert.Equal("refs(google).p", ReferDatasetLayout.FromId("refcocog-google").RefsFileName);
        Assert.Equal("refs(unc).p", ReferDatasetLayout.FromId("refshapes").RefsFileName);
        Assert.Equal("refshapes", ReferDatasetLayout.FromId("refshapes").Folder);
        var error = Assert.Throws<ArgumentException>(() => ReferDatasetLayout.FromId("refclef"));
        Assert.Contains("refclef", error.Message);
        Assert.Contains("refcocog-umd", error.Message);
    }
}
