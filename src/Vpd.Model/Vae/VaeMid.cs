using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Vae;

/// <summary>The encoder's middle (<c>mid</c>): ResnetBlock, attention, ResnetBlock at the lowest resolution.</summary>
internal sealed class VaeMid : nn.Module<Tensor, Tensor>
{
    private readonly VaeResnetBlock block_1;
    private readonly VaeAttnBlock attn_1;
    private readonly VaeResnetBlock block_2;

    /// <summary>A middle over <paramref name="channels"/> channels.</summary>
    public VaeMid(long channels, Device? device = null) : base(nameof(VaeMid))
    {
        block_1 = new VaeResnetBlock(channels, channels, device);
        attn_1 = new VaeAttnBlock(channels, device);
        block_2 = new VaeResnetBlock(channels, channels, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return block_2.forward(attn_1.forward(block_1.forward(x))).MoveToOuterDisposeScope();
    }
}
