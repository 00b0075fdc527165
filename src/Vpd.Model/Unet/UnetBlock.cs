using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>
/// ldm's <c>TimestepEmbedSequential</c>: layers registered as <c>0</c>, <c>1</c>, <c>2</c> and applied in
/// order, each given what it reads (ResBlocks the time embedding, transformers the context).
/// </summary>
internal sealed class UnetBlock : nn.Module
{
    private readonly nn.Module[] layers;

    /// <summary>A block of <paramref name="layers"/> (ResBlock, SpatialTransformer, Downsample, Upsample or a plain conv).</summary>
    public UnetBlock(params nn.Module[] layers) : base(nameof(UnetBlock))
    {
        this.layers = layers;
        for (var i = 0; i < layers.Length; i++)
        {
            register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
        }
    }

    /// <summary>Runs the layers on <paramref name="x"/>.</summary>
    public Tensor forward(Tensor x, Tensor emb, Tensor context, AttentionStore? store)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var layer in layers)
        {
            h = layer switch
            {
                ResBlock res => res.forward(h, emb),
                SpatialTransformer transformer => transformer.forward(h, context, store),
                nn.Module<Tensor, Tensor> plain => plain.forward(h),
                _ => throw new InvalidOperationException($"UnetBlock cannot run a {layer.GetType().Name}"),
            };
        }
        return h.MoveToOuterDisposeScope();
    }
}
