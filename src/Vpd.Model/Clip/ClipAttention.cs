using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>CLIP's causal multi-head self-attention (Hugging Face <c>CLIPAttention</c> names).</summary>
internal sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly int numHeads;
    private readonly int headDim;

    /// <summary>Creates the four projections of width <c>config.HiddenSize</c>.</summary>
    public ClipAttention(ClipTextConfig config, Device? device = null) : base(nameof(ClipAttention))
    {
        q_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        k_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        v_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        out_proj = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        numHeads = config.NumAttentionHeads;
        headDim = config.HeadDim;
        RegisterComponents();
    }

    /// <summary>Attends each position to itself and earlier positions only; <paramref name="x"/> is <c>[B, T, C]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        var batch = x.shape[0];
        var tokens = x.shape[1];
        var q = SplitHeads(q_proj.forward(x), batch, tokens);
        var k = SplitHeads(k_proj.forward(x), batch, tokens);
        var v = SplitHeads(v_proj.forward(x), batch, tokens);
        // The default scale 1/sqrt(head_dim) is CLIP's; no padding mask, as in the reference (VPD passes ids only).
        var attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
        var merged = attended.transpose(1, 2).reshape(batch, tokens, numHeads * headDim);
        return out_proj.forward(merged);
    }

    private Tensor SplitHeads(Tensor t, long batch, long tokens) =>
        t.view(batch, tokens, numHeads, headDim).transpose(1, 2);
}
