using System.IO.Compression;
using System.Text;
using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Cli.Tests;

/// <summary>
/// Small inputs for <c>vpd convert</c>: a Stable Diffusion style safetensors file assembled from the golden tiny
/// parts (unet_tiny's UNet, vpd_refer_tiny's VAE encoder under <c>first_stage_model.</c>, a random CLIP text
/// encoder of the tiny context width, plus keys VPD ignores) and the matching model config JSON.
/// </summary>
internal static class TinyCheckpoints
{
    public static string ReferPath => RepoPaths.Golden("vpd_refer_tiny.safetensors");

    public static string PthPath => RepoPaths.Golden("vpd_refer_tiny.pth");

    public static string TokenizerDir => RepoPaths.Golden("tokenizer");

    public static VpdModelConfig Config()
    {
        var refer = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(ReferPath), ReferPath);
        return new VpdModelConfig(refer, new ClipTextConfig(49408, refer.TokenEmbedDim, 1, 4, 2 * refer.TokenEmbedDim, 77, 1e-5, "quick_gelu"));
    }

    /// <summary>Writes the config JSON and returns its path.</summary>
    public static string WriteConfig(string dir)
    {
        var path = Path.Combine(dir, "tiny-config.json");
        File.WriteAllText(path, Config().ToJson().ToJsonString());
        return path;
    }

    /// <summary>Writes the SD-style safetensors file and returns its path.</summary>
    public static string WriteStableDiffusion(string dir)
    {
        var tensors = SafetensorsFile.Load(RepoPaths.Golden("unet_tiny.safetensors"), k => k.StartsWith("model.diffusion_model.", StringComparison.Ordinal));
        foreach (var (key, tensor) in SafetensorsFile.Load(ReferPath, k => k.StartsWith("encoder_vq.", StringComparison.Ordinal)))
        {
            tensors["first_stage_model." + key["encoder_vq.".Length..]] = tensor;
        }
        using (var clip = new ClipTextModel(Config().Text))
        {
            foreach (var (key, tensor) in clip.state_dict())
            {
                tensors["cond_stage_model.transformer." + key] = tensor.detach().clone();
            }
        }
        tensors["first_stage_model.decoder.conv_in.weight"] = randn(4, 4, 3, 3);
        tensors["model_ema.decay"] = tensor(0.9999f);
        tensors["alphas_cumprod"] = rand(1000);
        var path = Path.Combine(dir, "sd-tiny.safetensors");
        SafetensorsFile.Save(path, tensors, new Dictionary<string, string>());
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
        return path;
    }

    /// <summary>A torch zip whose pickle calls <c>os.system</c>: must be refused before anything runs.</summary>
    public static string WriteEvilPth(string dir)
    {
        var pickle = new MemoryStream();
        pickle.Write([0x80, 0x02]);
        pickle.Write(Encoding.ASCII.GetBytes("cos\nsystem\n"));
        var argument = Encoding.UTF8.GetBytes("echo pwned");
        pickle.WriteByte((byte)'X');
        pickle.Write(BitConverter.GetBytes((uint)argument.Length));
        pickle.Write(argument);
        pickle.Write([0x85, (byte)'R', (byte)'.']);
        var path = Path.Combine(dir, "evil.pth");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in new[] { ("evil/data.pkl", pickle.ToArray()), ("evil/version", Encoding.ASCII.GetBytes("3\n")) })
        {
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(bytes);
        }
        return path;
    }
}
