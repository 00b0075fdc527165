using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using Vpd.Model.Vae;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Vae;

public sealed class VaeEncoderGoldenTests
{
    /// <param name="batchCopies">1: the golden case; 2: stacked twice along the batch (<see cref="GoldenFolders"/>).</param>
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void EncodeMode_GoldenTinyEncoder_MatchesEveryOutputAndIntermediate(int batchCopies)
    {
        var path = GoldenFolders.File(batchCopies, "vae_encoder_tiny.safetensors");
        var metadata = SafetensorsFile.ReadMetadata(path);
        var config = VaeEncoderConfig.FromDdConfigJson(metadata["ddconfig"], int.Parse(metadata["embed_dim"], System.Globalization.CultureInfo.InvariantCulture), path);
        var golden = SafetensorsFile.Load(path);
        using var model = new AutoencoderKlEncoder(config);
        ModuleWeights.LoadStrict(model.Encoder, golden, "first_stage_model.encoder.", source: path);
        ModuleWeights.LoadStrict(model.QuantConv, golden, "first_stage_model.quant_conv.", source: path);
        model.eval();
        using var recorder = new TraceRecorder();

        using (no_grad())
        using (var latent = model.EncodeMode(golden["input.image"], recorder.Trace))
        {
            recorder.Trace("output.latent_mode", latent);
        }

        GoldenCompare.AssertAll(path, golden, GoldenCompare.CheckedNames(path),
            name => recorder.Get(name.StartsWith("intermediate.", StringComparison.Ordinal) ? name["intermediate.".Length..] : name),
            _ => false);
    }

    [SkippableFact]
    public void EncodeMode_GoldenWeightsUnderWrongPrefix_FailsNamingMissingKeys()
    {
        var path = RepoPaths.Golden("vae_encoder_tiny.safetensors");
        var metadata = SafetensorsFile.ReadMetadata(path);
        var config = VaeEncoderConfig.FromDdConfigJson(metadata["ddconfig"], 4, path);
        var golden = SafetensorsFile.Load(path);
        using var model = new AutoencoderKlEncoder(config);

        var error = Assert.Throws<StateDictMismatchException>(() => ModuleWeights.LoadStrict(model.Encoder, golden, "encoder.", source: path));

        Assert.Contains("encoder.conv_in.weight", error.MissingKeys);
        Assert.Contains(path, error.Message);
    }
}
