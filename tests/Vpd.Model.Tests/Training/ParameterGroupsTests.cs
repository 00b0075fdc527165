using TorchSharp.Modules;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.Tools.Training;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Training;

/// <summary>
/// The AdamW groups of the full-size SD 1.5 model, built on the meta device (no memory), against the
/// <c>vpd_refer</c> section of <c>sd15_layout.tsv</c> and VPD's <c>refer/train.py</c> rule.
/// </summary>
public sealed class ParameterGroupsTests
{
    private const string Unet = "unet.unet.diffusion_model.";

    // Layout rows that are buffers, not parameters (BatchNorm statistics).
    private static readonly string[] BufferSuffixes = [".running_mean", ".running_var", ".num_batches_tracked"];

    [SkippableFact]
    public void NoDecayNames_Sd15HeadAdapterUnetByDefault_ExemptExactlyTheLayoutNamesContainingNorm()
    {
        using var model = Sd15OnMeta();
        var layout = TrainedLayoutParameters();

        var selected = ParameterGroups.Select(model, TrainableParts.HeadAdapterUnet).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var exempt = ParameterGroups.NoDecayNames(model, TrainableParts.HeadAdapterUnet, WeightDecayExemption.NormNames);

        Assert.Equal(layout.Keys.Order(StringComparer.Ordinal), selected.Order(StringComparer.Ordinal));
        Assert.Equal(layout.Keys.Where(k => k.Contains("norm", StringComparison.Ordinal)).Order(StringComparer.Ordinal), exempt.Order(StringComparer.Ordinal));
        // What refer/train.py decays although a "bias and norm" rule would not.
        foreach (var decayed in new[]
        {
            Unet + "input_blocks.1.0.in_layers.0.weight", Unet + "input_blocks.1.0.out_layers.0.bias", Unet + "out.0.weight",
            Unet + "input_blocks.1.0.in_layers.2.bias", "classifier.bn1_4.weight", "classifier.bn2_2.bias", "classifier.conv1_1.bias",
            "text_adapter.fc.0.bias", "gamma",
        })
        {
            Assert.Contains(decayed, selected);
            Assert.DoesNotContain(decayed, exempt);
        }
        foreach (var notDecayed in new[] { Unet + "input_blocks.1.1.norm.weight", Unet + "input_blocks.1.1.transformer_blocks.0.norm3.bias" })
        {
            Assert.Contains(notDecayed, exempt);
        }
        // The SpatialTransformer's norm and its block's norm1..3, weight and bias: 16 transformers x 4 norms x 2.
        Assert.Equal(16 * 4 * 2, exempt.Count);
    }

    [SkippableFact]
    public void NoDecayNames_Sd15BiasesAndNormLayers_ExemptEveryBiasAndEveryNormLayer()
    {
        using var model = Sd15OnMeta();
        var layout = TrainedLayoutParameters();

        var exempt = ParameterGroups.NoDecayNames(model, TrainableParts.HeadAdapterUnet, WeightDecayExemption.BiasesAndNormLayers);

        Assert.Superset(layout.Keys.Where(k => k.EndsWith(".bias", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal), exempt.ToHashSet(StringComparer.Ordinal));
        foreach (var name in new[] { Unet + "input_blocks.1.0.in_layers.0.weight", Unet + "out.0.weight", "classifier.bn1_4.weight", Unet + "input_blocks.1.1.norm.weight" })
        {
            Assert.Contains(name, exempt);
        }
        Assert.DoesNotContain("gamma", exempt);
        Assert.DoesNotContain(Unet + "input_blocks.1.0.in_layers.2.weight", exempt);
    }

    [SkippableFact]
    public void AdamW_Sd15ByDefault_DecaysTheRestAtTheGivenRateAndTheNormNamesAtZero()
    {
        using var model = Sd15OnMeta();
        var layout = TrainedLayoutParameters();
        var exempt = layout.Keys.Count(k => k.Contains("norm", StringComparison.Ordinal));

        using var optimizer = (AdamW)ParameterGroups.AdamW(model, TrainableParts.HeadAdapterUnet, 5e-5, 0.01, WeightDecayExemption.NormNames);

        var groups = optimizer.ParamGroups.Cast<AdamW.ParamGroup>().ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal((layout.Count - exempt, 0.01), (groups[0].Parameters.Count(), groups[0].Options.weight_decay!.Value));
        Assert.Equal((exempt, 0.0), (groups[1].Parameters.Count(), groups[1].Options.weight_decay!.Value));
        Assert.All(groups, g => Assert.Equal(5e-5, g.LearningRate));
    }

    [Fact]
    public void Select_TextAdapterOff_LeavesGammaAndAdapterOut()
    {
        var config = VpdModelConfig.Tiny(ModelInit.RefShapesTokenizer().VocabSize);
        using var off = new VpdModel(config with { Refer = config.Refer with { UseTextAdapter = false } }, ModelInit.RefShapesTokenizer(), META);
        using var on = new VpdModel(config, ModelInit.RefShapesTokenizer(), META);

        var offNames = ParameterGroups.Select(off, TrainableParts.HeadAdapterUnet).Select(p => p.Name).ToList();
        var onNames = ParameterGroups.Select(on, TrainableParts.HeadAdapterUnet).Select(p => p.Name).ToList();

        Assert.Contains("gamma", onNames);
        Assert.Contains("text_adapter.fc.0.weight", onNames);
        Assert.Equal(onNames.Where(n => n != "gamma" && !n.StartsWith("text_adapter.", StringComparison.Ordinal)), offNames);
    }

    private static VpdModel Sd15OnMeta()
    {
        var tokenizer = ClipTokenizer.FromFiles(RepoPaths.Golden("tokenizer", "vocab.json"), RepoPaths.Golden("tokenizer", "merges.txt"));
        return new VpdModel(VpdModelConfig.Sd15, tokenizer, META);
    }

    /// <summary>The layout's VPDRefer parameters VPD's recipe trains (all but encoder_vq; buffers left out), name -> elements.</summary>
    private static Dictionary<string, long> TrainedLayoutParameters()
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(RepoPaths.Golden("sd15_layout.tsv")))
        {
            var fields = line.Split('\t');
            if (line.StartsWith('#') || fields.Length < 5 || fields[0] != "vpd_refer" || fields[1].StartsWith("encoder_vq.", StringComparison.Ordinal)
                || BufferSuffixes.Any(s => fields[1].EndsWith(s, StringComparison.Ordinal)))
            {
                continue;
            }
            rows[fields[1]] = long.Parse(fields[4], System.Globalization.CultureInfo.InvariantCulture);
        }
        return rows;
    }
}
