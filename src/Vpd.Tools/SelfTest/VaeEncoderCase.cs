using System.Globalization;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Vae;
using static TorchSharp.torch;

namespace Vpd.Tools.SelfTest;

/// <summary><c>vae_encoder_tiny.safetensors</c>: the VAE encoder's intermediates and latent mode.</summary>
public sealed class VaeEncoderCase : ISelfTestCase
{
    public string Name => "vae_encoder";

    public IReadOnlyList<string> Files { get; } = ["vae_encoder_tiny.safetensors"];

    public IReadOnlyList<TensorCheck> Run(string goldenDir)
    {
        var path = Path.Combine(goldenDir, Files[0]);
        var metadata = SafetensorsFile.ReadMetadata(path);
        if (!metadata.TryGetValue("ddconfig", out var ddconfig) || !metadata.TryGetValue("embed_dim", out var embedDim))
        {
            throw new InvalidDataException($"{path}: metadata lacks 'ddconfig' or 'embed_dim'");
        }
        var config = VaeEncoderConfig.FromDdConfigJson(ddconfig, int.Parse(embedDim, CultureInfo.InvariantCulture), path);
        var golden = SafetensorsFile.Load(path);
        try
        {
            using var model = new AutoencoderKlEncoder(config);
            StateDictLoader.LoadStrict(model.Encoder, golden, path, prefix: "first_stage_model.encoder.");
            StateDictLoader.LoadStrict(model.QuantConv, golden, path, prefix: "first_stage_model.quant_conv.");
            model.eval();
            using var capture = new TraceCapture();
            using (inference_mode())
            using (var latent = model.EncodeMode(golden["input.image"], capture.Trace))
            {
                capture.Record("output.latent_mode", latent);
            }
            return GoldenFile.CompareAll(Name, path, golden, name => capture.Get(GoldenFile.TraceName(name)), _ => false);
        }
        finally
        {
            GoldenFile.DisposeAll(golden);
        }
    }
}
