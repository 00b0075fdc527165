using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Unet;

/// <summary>
/// The CompVis ldm <c>UNetModel</c> as Stable Diffusion v1 uses it (checkpoint prefix
/// <c>model.diffusion_model.</c>), with VPD's hierarchical outputs and attention-map capture.
/// </summary>
internal sealed class UnetModel : nn.Module
{
    private readonly Sequential time_embed;
    private readonly ModuleList<UnetBlock> input_blocks;
    private readonly UnetBlock middle_block;
    private readonly ModuleList<UnetBlock> output_blocks;
    private readonly Sequential @out;
    private readonly int modelChannels;
    private readonly HashSet<int> hierarchicalBlocks;

    /// <summary>A UNet built from <paramref name="config"/>, on <paramref name="device"/> (the meta device builds shapes without memory).</summary>
    public UnetModel(UnetConfig config, Device? device = null) : base(nameof(UnetModel))
    {
        config.Validate(nameof(UnetConfig));
        Config = config;
        modelChannels = config.ModelChannels;
        long embDim = config.TimeEmbedDim;
        time_embed = nn.Sequential(nn.Linear(config.ModelChannels, embDim, device: device), nn.SiLU(), nn.Linear(embDim, embDim, device: device));

        var layout = UnetLayout.Of(config);
        nn.Module Layer(UnetLayer layer, UnetBlockLayout block, int position) => layer.Kind switch
        {
            UnetLayerKind.InputConv => nn.Conv2d(layer.InChannels, layer.OutChannels, 3, padding: 1, device: device),
            UnetLayerKind.ResBlock => new ResBlock(layer.InChannels, embDim, layer.OutChannels, device),
            UnetLayerKind.Transformer => new SpatialTransformer(
                layer.OutChannels, config.NumHeads, layer.OutChannels / config.NumHeads, config.TransformerDepth, config.ContextDim,
                block.Place, $"{block.Path}.{position}", device),
            UnetLayerKind.Downsample => new Downsample(layer.OutChannels, device),
            _ => new Upsample(layer.OutChannels, device),
        };
        UnetBlock Block(UnetBlockLayout block) => new([.. block.Layers.Select((layer, position) => Layer(layer, block, position))]);

        input_blocks = new ModuleList<UnetBlock>([.. layout.InputBlocks.Select(Block)]);
        middle_block = Block(layout.MiddleBlock);
        output_blocks = new ModuleList<UnetBlock>([.. layout.OutputBlocks.Select(Block)]);
        HierarchicalOutputBlocks = layout.HierarchicalOutputBlocks;
        hierarchicalBlocks = [.. layout.HierarchicalOutputBlocks];
        var ch = layout.FinalChannels;

        @out = nn.Sequential(
            Norms.GroupNorm32(ch, ResBlock.NormEps, device), nn.SiLU(), nn.Conv2d(config.ModelChannels, config.OutChannels, 3, padding: 1, device: device));
        RegisterComponents();
    }

    /// <summary>The configuration this UNet was built from.</summary>
    public UnetConfig Config { get; }

    /// <summary>Indices of the output blocks whose outputs are the hierarchical features, deepest first.</summary>
    public IReadOnlyList<int> HierarchicalOutputBlocks { get; }

    /// <summary>
    /// One UNet pass. <paramref name="x"/> [B, in, h, w], <paramref name="timesteps"/> [B] (int64),
    /// <paramref name="context"/> [B, L, context_dim]. Attention maps go to <paramref name="store"/>;
    /// block outputs to <paramref name="trace"/> as <c>timestep_embedding</c>, <c>time_embed</c>,
    /// <c>input_blocks.i</c>, <c>middle_block</c>, <c>output_blocks.j</c>. The <c>out</c> head runs only
    /// when <paramref name="computeEps"/>.
    /// </summary>
    public UnetResult forward(Tensor x, Tensor timesteps, Tensor context, AttentionStore? store = null, ForwardTrace? trace = null, bool computeEps = true)
    {
        using var scope = NewDisposeScope();
        var sinusoid = TimestepEmbedding.Sinusoidal(timesteps, modelChannels).to_type(x.dtype);
        trace?.Invoke("timestep_embedding", sinusoid);
        var emb = time_embed.forward(sinusoid);
        trace?.Invoke("time_embed", emb);

        var skips = new Stack<Tensor>();
        var h = x;
        for (var i = 0; i < input_blocks.Count; i++)
        {
            h = input_blocks[i].forward(h, emb, context, store);
            trace?.Invoke($"input_blocks.{i}", h);
            skips.Push(h);
        }
        h = middle_block.forward(h, emb, context, store);
        trace?.Invoke("middle_block", h);

        var hierarchical = new List<Tensor>();
        for (var j = 0; j < output_blocks.Count; j++)
        {
            h = output_blocks[j].forward(cat([h, skips.Pop()], 1), emb, context, store);
            trace?.Invoke($"output_blocks.{j}", h);
            if (hierarchicalBlocks.Contains(j))
            {
                hierarchical.Add(h);
            }
        }
        var eps = computeEps ? @out.forward(h) : null;
        foreach (var feature in hierarchical)
        {
            feature.MoveToOuterDisposeScope();
        }
        return new UnetResult(hierarchical, eps?.MoveToOuterDisposeScope());
    }
}
