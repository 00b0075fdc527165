using Vpd.Model.Checkpoints;
using Vpd.Tools.SelfTest;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.SelfTest;

public sealed class GoldenSelfTestTests
{
    [SkippableFact]
    public void Run_GoldenFolder_RunsEveryCaseAndPasses()
    {
        var dir = Path.GetDirectoryName(RepoPaths.Golden("vpd_refer_tiny.safetensors"))!;

        var report = GoldenSelfTest.Run(dir);

        Assert.True(report.Passed, string.Join("\n", report.Failures));
        Assert.Empty(report.SkippedCases);
        Assert.Equal(GoldenSelfTest.Cases.Select(c => c.Name), report.Checks.Select(c => c.Case).Distinct());
        // Every output and intermediate tensor of each model file is one check.
        foreach (var (caseName, file) in new[] { ("clip", "clip_text_tiny.safetensors"), ("unet", "unet_tiny.safetensors"), ("vpd_refer", "vpd_refer_tiny.safetensors") })
        {
            var names = SafetensorsFile.ReadHeader(RepoPaths.Golden(file)).Entries.Select(e => e.Name)
                .Where(n => n.StartsWith("output.", StringComparison.Ordinal) || n.StartsWith("intermediate.", StringComparison.Ordinal));
            Assert.Superset(names.ToHashSet(), report.Checks.Where(c => c.Case == caseName).Select(c => c.Name).ToHashSet());
        }
    }

    [SkippableFact]
    public void Run_GoldenCasesStackedTwiceAlongTheBatch_RunsEveryCaseAndPasses()
    {
        var dir = GoldenFolders.Of(2);

        var report = GoldenSelfTest.Run(dir);

        Assert.True(report.Passed, string.Join("\n", report.Failures));
        Assert.Empty(report.SkippedCases);
        Assert.Equal(GoldenSelfTest.Cases.Select(c => c.Name), report.Checks.Select(c => c.Case).Distinct());
        Assert.Contains(report.Checks, c => c is { Case: "vpd_refer", Name: "constant.timestep", Passed: true });
        using var logits = SafetensorsFile.Load(Path.Combine(dir, "vpd_refer_tiny.safetensors"), n => n == "output.logits")["output.logits"];
        Assert.Equal(2, logits.shape[0]);
    }

    [SkippableFact]
    public void Run_BatchWhoseSamplesUseTwoNoiseSteps_FailsTheCaseNamingTheConstant()
    {
        var source = Path.Combine(GoldenFolders.Of(2), "vpd_refer_tiny.safetensors");
        using var dir = new TempDir();
        var header = SafetensorsFile.ReadHeader(source);
        var tensors = SafetensorsFile.Load(source);
        tensors["constant.noise_timestep"] = tensor(new long[] { 100, 5 });
        SafetensorsFile.Save(dir.File("vpd_refer_tiny.safetensors"), header.Entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, tensors[e.Name])), header.Metadata);

        var report = GoldenSelfTest.Run(dir.Path);

        var failure = Assert.Single(report.Failures, f => f.Case == "vpd_refer");
        Assert.Equal("(case)", failure.Name);
        Assert.Contains("constant.noise_timestep holds the steps [100, 5]", failure.Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Run_CopyWithOnePerturbedTensor_FailsNamingOnlyThatTensor()
    {
        var source = RepoPaths.Golden("clip_text_tiny.safetensors");
        using var dir = new TempDir();
        const string perturbed = "intermediate.hidden_states.1";
        var header = SafetensorsFile.ReadHeader(source);
        var tensors = SafetensorsFile.Load(source);
        tensors[perturbed].mul_(1.001f);
        SafetensorsFile.Save(dir.File("clip_text_tiny.safetensors"), header.Entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, tensors[e.Name])), header.Metadata);

        var report = GoldenSelfTest.Run(dir.Path);

        Assert.False(report.Passed);
        var failure = Assert.Single(report.Failures);
        Assert.Equal(("clip", perturbed), (failure.Case, failure.Name));
        Assert.True(failure.RelativeError > TensorCheck.RelativeTolerance);
        Assert.Contains(report.Checks, c => c.Passed && c.Name == "output.last_hidden_state");
        Assert.Contains(report.SkippedCases, s => s.StartsWith("unet", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Run_ReferTinyWithOneImageValueTwoLevelsOff_FailsTheImageCheckOnly()
    {
        var source = RepoPaths.Golden("refer_tiny");
        using var dir = new TempDir();
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir.Path, "refer_tiny", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var expectedPath = Path.Combine(dir.Path, "refer_tiny", "expected.json");
        var expected = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(expectedPath))!;
        var values = expected["images"]![0]!["image_32x32_rgb_uint8"]!.AsArray();
        var first = values[0]!.GetValue<int>();
        values[0] = first >= 128 ? first - 2 : first + 2;
        File.WriteAllText(expectedPath, expected.ToJsonString());

        var report = GoldenSelfTest.Run(dir.Path);

        var failure = Assert.Single(report.Failures);
        Assert.Equal(("refer_tiny", "image_32x32_rgb_uint8"), (failure.Case, failure.Name));
        Assert.Contains(report.Checks, c => c.Passed && c.Name == "truth_32x32_rowmajor");
    }

    [Fact]
    public void Run_FolderWithoutGoldenFiles_ThrowsNamingIt()
    {
        using var dir = new TempDir();

        var error = Assert.Throws<InvalidDataException>(() => GoldenSelfTest.Run(dir.Path));

        Assert.Contains(dir.Path, error.Message);
    }

    [Fact]
    public void Run_MissingFolder_ThrowsDirectoryNotFound()
    {
        var missing = Path.Combine(Path.GetTempPath(), "vpd-no-such-golden-dir");

        Assert.Throws<DirectoryNotFoundException>(() => GoldenSelfTest.Run(missing));
    }
}
