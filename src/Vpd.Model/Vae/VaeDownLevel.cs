using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Vae;

/// <summary>One level of the encoder (<c>down.N</c>): ResnetBlocks, optional attention after each, optional downsample.</summary>
internal sealed class VaeDownLevel : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<VaeResnetBlock> block;
    private readonly ModuleList<VaeAttnBlock> attn;
    private readonly VaeDownsample? downsample;

    /// <summary>A level of <paramref name="blocks"/> ResnetBlocks from <paramref name="inChannels"/> to <paramref name="outChannels"/>.</summary>
    public VaeDownLevel(long inChannels, long outChannels, int blocks, bool withAttention, bool withDownsample, Device? device = null)
        : base(nameof(VaeDownLevel))
    {
        block = new ModuleList<VaeResnetBlock>();
        attn = new ModuleList<VaeAttnBlock>();
        for (var i = 0; i < blocks; i++)
        {
            block.Add(new VaeResnetBlock(i == 0 ? inChannels : outChannels, outChannels, device));
            if (withAttention)
            {
                attn.Add(new VaeAttnBlock(outChannels, device));
            }
        }
        downsample = withDownsample ? new VaeDownsample(outChannels, device) : null;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, consumeInput: false);

    /// <summary>As <see cref="forward"/> for a caller that does not use <paramref name="x"/> again (see <see cref="VaeResnetBlock.ForwardConsuming"/>).</summary>
    internal Tensor ForwardConsuming(Tensor x) => Forward(x, consumeInput: true);

    private Tensor Forward(Tensor x, bool consumeInput)
    {
        using var scope = NewDisposeScope();
        var h = x;
        for (var i = 0; i < block.Count; i++)
        {
            // Every block after the first consumes the level's own intermediate; the first consumes x only when allowed.
            h = i > 0 || consumeInput ? block[i].ForwardConsuming(h) : block[i].forward(h);
            if (attn.Count > 0)
            {
                h = attn[i].forward(h);
            }
        }
        if (downsample is not null)
        {
            h = downsample.forward(h);
        }
        // x updated in place stays in the caller's scope.
        return ReferenceEquals(h, x) ? h : h.MoveToOuterDisposeScope();
    }
}
