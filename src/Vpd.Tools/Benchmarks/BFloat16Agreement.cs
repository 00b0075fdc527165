using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using Vpd.Model;

namespace Vpd.Tools.Benchmarks;

/// <summary>How far a bfloat16 forward of a golden VPD case is from the float32 forward of the same weights.</summary>
/// <param name="MaskAgreement">Fraction of pixels whose argmax class is the same.</param>
/// <param name="LogitsRelativeError">||bf16 - fp32|| / ||fp32|| of the logits.</param>
public sealed record BFloat16AgreementResult(string Case, Float32Part Float32Part, double MaskAgreement, double LogitsRelativeError);

/// <summary>
/// Runs a golden VPDRefer case (<c>vpd_refer_tiny.safetensors</c>: config metadata, weights, <c>input.image</c>,
/// <c>input.l_feats</c>) in float32 and with <see cref="MixedPrecision.ToBFloat16"/>, and compares the masks.
/// </summary>
public static class BFloat16Agreement
{
    public static BFloat16AgreementResult Measure(string goldenPath, Float32Part float32Part)
    {
        var config = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(goldenPath), goldenPath);
        var tensors = SafetensorsFile.Load(goldenPath);
        try
        {
            var image = Input(tensors, "input.image", goldenPath);
            var text = Input(tensors, "input.l_feats", goldenPath);
            using var float32 = Predict(config, tensors, goldenPath, image, text, model => model);
            using var bfloat16 = Predict(config, tensors, goldenPath, image, text, model => model.ToBFloat16(float32Part));
            using var scope = NewDisposeScope();
            var agreement = bfloat16.Masks().eq(float32.Masks()).to_type(ScalarType.Float64).mean().item<double>();
            var reference = float32.Logits.to_type(ScalarType.Float64);
            var error = (bfloat16.Logits.to_type(ScalarType.Float64) - reference).norm().item<double>() / reference.norm().item<double>();
            return new BFloat16AgreementResult(Path.GetFileName(goldenPath), float32Part, agreement, error);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static Tensor Input(Dictionary<string, Tensor> tensors, string name, string path) =>
        tensors.TryGetValue(name, out var tensor) ? tensor : throw new InvalidDataException($"{path}: no '{name}' tensor");

    private static VpdReferResult Predict(
        VpdReferConfig config, Dictionary<string, Tensor> tensors, string path, Tensor image, Tensor text, Func<VpdRefer, VpdRefer> convert)
    {
        using var model = new VpdRefer(config);
        ModuleWeights.LoadStrict(model, tensors, ignore: n => n.Split('.')[0] is "input" or "output" or "intermediate" or "constant", source: path);
        model.eval();
        return convert(model).Predict(image, text);
    }
}
