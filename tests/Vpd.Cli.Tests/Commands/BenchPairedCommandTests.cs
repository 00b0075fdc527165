namespace Vpd.Cli.Tests.Commands;

public sealed class BenchPairedCommandTests
{
    [Fact]
    public async Task BenchDType_Tiny_TimesBothDtypesPerStageAndTheWholeForward()
    {
        var result = await CliRun.InvokeAsync("bench", "dtype", "--preset", "tiny", "--runs", "2", "--float32-part", "none", "--threads", "1");

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("vae_encoder: float32 [", StringComparison.Ordinal) && l.Contains("bfloat16 (None float32) [") && l.Contains("median speed-up"));
        Assert.Contains(lines, l => l.StartsWith("unet+head: float32 [", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("whole forward (sum of medians): ", StringComparison.Ordinal));
        // Two timed rounds per variant and stage, each a positive time.
        var vae = lines.Single(l => l.StartsWith("vae_encoder:", StringComparison.Ordinal));
        var first = vae[(vae.IndexOf('[') + 1)..vae.IndexOf(']')].Split(", ");
        Assert.Equal(2, first.Length);
        Assert.All(first, ms => Assert.True(double.Parse(ms, System.Globalization.CultureInfo.InvariantCulture) >= 0));
    }

    [Fact]
    public async Task BenchLayout_BFloat16_RefusedBecauseBFloat16IsAlwaysChannelsLast()
    {
        var result = await CliRun.InvokeAsync("bench", "layout", "--preset", "tiny", "--dtype", "bfloat16", "--runs", "1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("float32 only", result.Error);
    }
}
