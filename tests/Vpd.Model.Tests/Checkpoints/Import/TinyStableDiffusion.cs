using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Checkpoints.Import;

/// <summary>
/// A tiny "Stable Diffusion single file" assembled from the golden files: the UNet of unet_tiny (already under
/// <c>model.diffusion_model.</c>, the same weights as vpd_refer_tiny's), vpd_refer_tiny's VAE encoder renamed to
/// <c>first_stage_model.</c> (vae_encoder_tiny has another shape), and a random CLIP text encoder of the UNet's
/// context width (the golden tiny CLIP is 8 wide, the tiny VPD context 64), plus keys an SD file holds that
/// VPD ignores (decoder, EMA, schedule buffers, position_ids).
/// </summary>
internal static class TinyStableDiffusion
{
    public static string ReferPath => RepoPaths.Golden("vpd_refer_tiny.safetensors");

    public static string PthPath => RepoPaths.Golden("vpd_refer_tiny.pth");

    public static string TokenizerDir => Path.GetDirectoryName(RepoPaths.Golden("tokenizer/vocab.json"))!;

    /// <summary>vpd_refer_tiny's config with a one-layer CLIP text encoder of its context width over the real vocabulary.</summary>
    public static VpdModelConfig Config()
    {
        var refer = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(ReferPath), ReferPath);
        return new VpdModelConfig(refer, new ClipTextConfig(49408, refer.TokenEmbedDim, 1, 4, 2 * refer.TokenEmbedDim, 77, 1e-5, "quick_gelu"));
    }

    /// <summary>The SD-style state dict; the CLIP part is random (tests compare against the returned tensors). Caller disposes.</summary>
    public static Dictionary<string, Tensor> StateDict()
    {
        var result = SafetensorsFile.Load(RepoPaths.Golden("unet_tiny.safetensors"), k => k.StartsWith("model.diffusion_model.", StringComparison.Ordinal));
        foreach (var (key, tensor) in SafetensorsFile.Load(ReferPath, k => k.StartsWith("encoder_vq.", StringComparison.Ordinal)))
        {
            result["first_stage_model." + key["encoder_vq.".Length..]] = tensor;
        }
        using (var clip = new ClipTextModel(Config().Text))
        {
            foreach (var (key, tensor) in clip.state_dict())
            {
                result["cond_stage_model.transformer." + key] = tensor.detach().clone();
            }
        }
        result["cond_stage_model.transformer.text_model.embeddings.position_ids"] = arange(77, dtype: ScalarType.Int64).unsqueeze(0);
        result["first_stage_model.decoder.conv_in.weight"] = randn(4, 4, 3, 3);
        result["model_ema.decay"] = tensor(0.9999f);
        result["model_ema.num_updates"] = tensor(10, dtype: ScalarType.Int32);
        result["betas"] = linspace(0.00085, 0.012, 1000);
        result["alphas_cumprod"] = rand(1000);
        return result;
    }

    /// <summary>Writes <paramref name="stateDict"/> as SD's safetensors file in <paramref name="dir"/>.</summary>
    public static string WriteSafetensors(string dir, IReadOnlyDictionary<string, Tensor> stateDict, string name = "sd-tiny.safetensors")
    {
        var path = Path.Combine(dir, name);
        SafetensorsFile.Save(path, stateDict, new Dictionary<string, string>());
        return path;
    }

    /// <summary>Writes <paramref name="stateDict"/> as SD's <c>.ckpt</c>: a torch zip with <c>{'state_dict': ..., 'global_step': 1}</c>.</summary>
    public static string WriteCkpt(string dir, IReadOnlyDictionary<string, Tensor> stateDict, string name = "sd-tiny.ckpt")
    {
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Mark().Str("state_dict").EmptyDict().Mark();
        var storages = new Dictionary<string, byte[]>();
        foreach (var (key, tensor) in stateDict)
        {
            var storageKey = storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var storageClass = tensor.dtype switch
            {
                ScalarType.Float32 => "FloatStorage",
                ScalarType.Int64 => "LongStorage",
                ScalarType.Int32 => "IntStorage",
                _ => throw new ArgumentException($"no storage class for {tensor.dtype}"),
            };
            var contiguous = tensor.contiguous();
            storages[storageKey] = contiguous.bytes.ToArray();
            var shape = tensor.shape.Select(s => (int)s).ToArray();
            var strides = contiguous.stride().Select(s => (int)s).ToArray();
            pickle.Str(key).Tensor(p => p.Storage(storageClass, storageKey, (int)tensor.numel()), 0, shape, strides);
        }
        pickle.SetItems().Str("global_step").Int(1).SetItems().Stop();
        var path = Path.Combine(dir, name);
        PickleBuilder.WriteCheckpoint(path, pickle.ToArray(), storages, "sd-tiny");
        return path;
    }
}
