using System.Globalization;
using System.Text.Json;
using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using Vpd.Model.Unet;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Unet;

public sealed class UnetGoldenTests
{
    /// <param name="batchCopies">1: the golden case (batch 2); 2: stacked twice along the batch (<see cref="GoldenFolders"/>).</param>
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void Forward_GoldenTinyUnet_MatchesEveryOutputAndIntermediate(int batchCopies)
    {
        var path = GoldenFolders.File(batchCopies, "unet_tiny.safetensors");
        var metadata = SafetensorsFile.ReadMetadata(path);
        var config = UnetConfig.FromJson(metadata["unet_config"], path);
        var baseSize = int.Parse(metadata["base_size"], CultureInfo.InvariantCulture);
        var golden = SafetensorsFile.Load(path);
        using var wrapper = new VpdUnetWrapper(config, baseSize);
        ModuleWeights.LoadStrict(wrapper.Unet, golden, "model.", source: path);
        wrapper.eval();
        Assert.Equal(JsonSerializer.Deserialize<int[]>(metadata["hier_output_blocks"]), wrapper.DiffusionModel.HierarchicalOutputBlocks.Order());
        using var recorder = new TraceRecorder();

        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var output = wrapper.forward(golden["input.x"], golden["input.timesteps"], golden["input.context"], recorder.Trace, computeEps: true);
            recorder.Trace("output.eps", output.Eps!);
            for (var i = 0; i < output.Hierarchical.Count; i++)
            {
                recorder.Trace($"output.hier.{i}", output.Hierarchical[i]);
                recorder.Trace($"output.vpd_features.{i}", output.Features[i]);
            }
            foreach (var (side, map) in output.AttentionMaps)
            {
                recorder.Trace($"output.attn.{side}x{side}", map);
            }
        }

        GoldenCompare.AssertAll(path, golden, GoldenCompare.CheckedNames(path),
            name => recorder.Get(name.StartsWith("intermediate.", StringComparison.Ordinal) ? name["intermediate.".Length..] : name),
            name => name.Contains("attn", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Forward_GoldenTinyUnet_KeepsOnlyDownAndUpCrossMapsWithinTheSizeLimit()
    {
        var path = RepoPaths.Golden("unet_tiny.safetensors");
        var metadata = SafetensorsFile.ReadMetadata(path);
        var config = UnetConfig.FromJson(metadata["unet_config"], path);
        var baseSize = int.Parse(metadata["base_size"], CultureInfo.InvariantCulture);
        var golden = SafetensorsFile.Load(path, name => name.StartsWith("input.", StringComparison.Ordinal) || name.StartsWith("intermediate.attn_layer.", StringComparison.Ordinal));
        using var wrapper = new VpdUnetWrapper(config, baseSize);
        using var recorder = new TraceRecorder();

        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            wrapper.forward(golden["input.x"], golden["input.timesteps"], golden["input.context"], recorder.Trace);
        }

        var expectedLayers = golden.Keys.Where(k => k.StartsWith("intermediate.attn_layer.", StringComparison.Ordinal)).Select(k => k["intermediate.".Length..]).Order();
        Assert.Equal(expectedLayers, recorder.Names.Where(n => n.StartsWith("attn_layer.", StringComparison.Ordinal)).Order());
    }
}
