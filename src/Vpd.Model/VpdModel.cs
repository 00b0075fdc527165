using TorchSharp;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model;

/// <summary>
/// A whole VPD referring model: tokenizer, CLIP text encoder and <see cref="VpdRefer"/>. Sentences in,
/// per-pixel logits out. Loaded once per process and kept warm by the pipeline.
/// </summary>
public sealed class VpdModel : IDisposable
{
    public VpdModel(VpdModelConfig config, ClipTokenizer tokenizer, Device? device = null)
    {
        config.Validate("model config");
        if (tokenizer.VocabSize != config.Text.VocabSize)
        {
            throw new ArgumentException(
                $"tokenizer has {tokenizer.VocabSize} ids but the text encoder expects {config.Text.VocabSize}", nameof(tokenizer));
        }
        Config = config;
        Tokenizer = tokenizer;
        TextEncoder = new ClipTextModel(config.Text, device);
        Refer = new VpdRefer(config.Refer, device);
    }

    public VpdModelConfig Config { get; }

    public ClipTokenizer Tokenizer { get; }

    internal ClipTextModel TextEncoder { get; }

    internal VpdRefer Refer { get; }

    /// <summary>Where the weights live.</summary>
    public Device Device => Refer.Gamma.device;

    /// <summary>The compute type of the per-sentence parts (text encoder, UNet, head); see <see cref="To"/>.</summary>
    public ScalarType DType => MixedPrecision.WeightType(TextEncoder);

    /// <summary>Token ids [K, token_length] of <paramref name="sentences"/> on the model's device.</summary>
    public Tensor TokenIds(IReadOnlyList<string> sentences)
    {
        using var ids = Tokenizer.EncodeToTensor(sentences, Config.Refer.TokenLength);
        return ids.to(Device);
    }

    /// <summary>CLIP <c>last_hidden_state</c> [K, token_length, D] of <paramref name="sentences"/> (caller's grad mode).</summary>
    internal Tensor EncodeText(IReadOnlyList<string> sentences)
    {
        using var ids = TokenIds(sentences);
        return TextEncoder.forward(ids);
    }

    /// <summary>Both parts to evaluation mode (BatchNorm running statistics, no dropout).</summary>
    public VpdModel Eval()
    {
        TextEncoder.eval();
        Refer.eval();
        return this;
    }

    /// <summary>
    /// Moves the weights to <paramref name="device"/> and <paramref name="dtype"/> in place. In bfloat16 the
    /// VAE encoder's full-resolution stem, norms and residual sums stay float32
    /// (<see cref="MixedPrecision.ProductFloat32Part"/>): it is what keeps the argmax masks within 97% of
    /// float32's on the golden case (docs/performance.md).
    /// </summary>
    public VpdModel To(Device device, ScalarType dtype)
    {
        TextEncoder.to(device).to(dtype);
        Refer.to(device);
        if (dtype == ScalarType.BFloat16)
        {
            Refer.ToBFloat16(MixedPrecision.ProductFloat32Part);
        }
        else
        {
            Refer.to(dtype);
        }
        return this;
    }

    public void Dispose()
    {
        TextEncoder.Dispose();
        Refer.Dispose();
    }
}
