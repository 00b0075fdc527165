using Vpd.Model.Checkpoints;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Cli.Tests;

public sealed class SelftestCommandTests
{
    [SkippableFact]
    public async Task Selftest_GoldenFolder_ExitsZeroPrintingEveryCheck()
    {
        var golden = RepoPaths.GoldenDir();

        var result = await CliRun.InvokeAsync("selftest", "--golden", golden);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.DoesNotContain("FAIL", result.Output);
        Assert.Contains("PASS  unet/output.eps  rel ", result.Output);
        Assert.Contains("PASS  vpd_refer/output.logits_noised  rel ", result.Output);
        Assert.Matches(@"PASS  vpd_refer/intermediate\.attn\.\d+x\d+  rel \S+  maxabs ", result.Output);
        Assert.Contains("PASS  vpd_pth/output.logits", result.Output);
        Assert.Contains(" 0 failed", result.Output);
    }

    [SkippableFact]
    public async Task Selftest_CopyWithOnePerturbedTensor_ExitsOneNamingIt()
    {
        var source = RepoPaths.Golden("unet_tiny.safetensors");
        using var dir = new TempDir();
        const string perturbed = "output.attn.4x4";
        var header = SafetensorsFile.ReadHeader(source);
        var tensors = SafetensorsFile.Load(source);
        tensors[perturbed][0, 0, 0, 0] = tensors[perturbed][0, 0, 0, 0] + 1e-3f;
        SafetensorsFile.Save(dir.File("unet_tiny.safetensors"), header.Entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, tensors[e.Name])), header.Metadata);

        var result = await CliRun.InvokeAsync("selftest", "--golden", dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"failed: FAIL  unet/{perturbed}", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("PASS  unet/output.eps", result.Output);
    }

    [SkippableFact]
    public async Task Selftest_JsonOption_PrintsOneParsableReport()
    {
        var golden = RepoPaths.GoldenDir();

        var result = await CliRun.InvokeAsync("selftest", "--golden", golden, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = System.Text.Json.JsonDocument.Parse(result.Output);
        Assert.True(doc.RootElement.GetProperty("passed").GetBoolean());
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.Contains(checks, c => c.GetProperty("case").GetString() == "unet" && c.GetProperty("name").GetString() == "output.eps"
            && c.GetProperty("relative_error").GetDouble() < 1e-4);
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean()));
    }

    [Fact]
    public async Task Selftest_MissingFolder_ExitsBadInputNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "vpd-no-golden-here");

        var result = await CliRun.InvokeAsync("selftest", "--golden", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(missing, result.Error);
    }
}
