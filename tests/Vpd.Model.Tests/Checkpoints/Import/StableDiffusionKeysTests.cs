using Vpd.Tools.Checkpoints.Import;
using Vpd.TestSupport;

namespace Vpd.Model.Tests.Checkpoints.Import;

public sealed class StableDiffusionKeysTests
{
    [SkippableFact]
    public void IsUsed_EverySd15LayoutKey_IsUsedExceptPositionIds()
    {
        var keys = LayoutKeys("sd15");

        var notUsed = keys.Where(k => !StableDiffusionKeys.IsUsed(k)).ToList();

        Assert.NotEmpty(keys);
        Assert.Equal([StableDiffusionKeys.PositionIds], notUsed);
        Assert.True(StableDiffusionKeys.IsIgnored(StableDiffusionKeys.PositionIds));
    }

    [SkippableFact]
    public void ScheduleBuffers_EqualTheLayoutSection()
    {
        var keys = LayoutKeys("sd15_schedule_buffer");

        Assert.Equal(keys.Order(StringComparer.Ordinal), StableDiffusionKeys.ScheduleBuffers.Order(StringComparer.Ordinal));
        Assert.All(keys, k => Assert.True(StableDiffusionKeys.IsIgnored(k) && !StableDiffusionKeys.IsUsed(k), k));
    }

    [Theory]
    [InlineData("first_stage_model.decoder.up.0.block.0.conv1.weight", true)]
    [InlineData("model_ema.diffusion_modelinput_blocks00weight", true)]
    [InlineData("first_stage_model.loss.logvar", false)]
    [InlineData("conditioner.embedders.0.transformer.text_model.final_layer_norm.weight", false)]
    public void IsIgnored_KeysOfOtherParts_OnlyTheListedOnes(string key, bool ignored)
    {
        Assert.Equal(ignored, StableDiffusionKeys.IsIgnored(key));
        Assert.False(StableDiffusionKeys.IsUsed(key));
    }

    private static List<string> LayoutKeys(string section) =>
        File.ReadLines(RepoPaths.Golden("sd15_layout.tsv"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Where(f => f[0] == section)
            .Select(f => f[1])
            .ToList();
}
