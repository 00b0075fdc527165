using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests;

public sealed class BFloat16Tests
{
    [SkippableFact]
    public void Predict_GoldenModelInBFloat16_StaysCloseToFloat32()
    {
        var path = RepoPaths.Golden("vpd_refer_tiny.safetensors");
        var config = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(path), path);
        var golden = SafetensorsFile.Load(path);
        using var model = new VpdRefer(config);
        ModuleWeights.LoadStrict(model, golden, ignore: n => n.Split('.')[0] is "input" or "output" or "intermediate" or "constant", source: path);
        model.eval();
        model.ToBFloat16(Float32Part.None);
        using var image = golden["input.image"].to(ScalarType.BFloat16);
        using var text = golden["input.l_feats"].to(ScalarType.BFloat16);

        using var result = model.Predict(image, text);

        var error = GoldenCompare.RelativeError(result.Logits, golden["output.logits"]);
        using var expectedMask = golden["output.logits"].argmax(1);
        using var mask = result.Masks();
        var agreement = mask.eq(expectedMask).to_type(ScalarType.Float64).mean().item<double>();
        Assert.True(error < 0.1 && agreement > 0.95, $"bfloat16 logits relative error {error}, mask agreement {agreement}");
    }
}
