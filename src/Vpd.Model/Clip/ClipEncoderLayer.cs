using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>One pre-norm transformer layer: <c>x + attn(ln1(x))</c>, then <c>x + mlp(ln2(x))</c>.</summary>
internal sealed class ClipEncoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly ClipAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly ClipMlp mlp;
    private readonly LayerNorm layer_norm2;

    /// <summary>Creates the layer's attention, MLP and two layer norms.</summary>
    public ClipEncoderLayer(ClipTextConfig config, Device? device = null) : base(nameof(ClipEncoderLayer))
    {
        self_attn = new ClipAttention(config, device);
        layer_norm1 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        mlp = new ClipMlp(config, device);
        layer_norm2 = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        x = x + self_attn.forward(layer_norm1.forward(x));
        return x + mlp.forward(layer_norm2.forward(x));
    }
}
