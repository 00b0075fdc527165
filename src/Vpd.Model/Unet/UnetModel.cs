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

        SpatialTransformer Transformer(long channels, UnetPlace place, string path) =>
            new(channels, config.NumHeads, channels / config.NumHeads, config.TransformerDepth, config.ContextDim, place, path, device);

        input_blocks = new ModuleList<UnetBlock>();
        input_blocks.Add(new UnetBlock(nn.Conv2d(config.InChannels, config.ModelChannels, 3, padding: 1, device: device)));
        var skipChannels = new Stack<long>();
        skipChannels.Push(config.ModelChannels);
        long ch = config.ModelChannels;
        var ds = 1;
        var levels = config.ChannelMult.Count;
        for (var level = 0; level < levels; level++)
        {
            for (var i = 0; i < config.NumResBlocks; i++)
            {
                var layers = new List<nn.Module> { new ResBlock(ch, embDim, config.LevelChannels(level), device) };
                ch = config.LevelChannels(level);
                if (config.AttentionResolutions.Contains(ds))
                {
                    layers.Add(Transformer(ch, UnetPlace.Down, $"input_blocks.{input_blocks.Count}.1"));
                }
                input_blocks.Add(new UnetBlock([.. layers]));
                skipChannels.Push(ch);
            }
            if (level != levels - 1)
            {
                input_blocks.Add(new UnetBlock(new Downsample(ch, device)));
                skipChannels.Push(ch);
                ds *= 2;
            }
        }

        middle_block = new UnetBlock(
            new ResBlock(ch, embDim, ch, device), Transformer(ch, UnetPlace.Mid, "middle_block.1"), new ResBlock(ch, embDim, ch, device));

        output_blocks = new ModuleList<UnetBlock>();
        var hierarchical = new List<int>();
        for (var level = levels - 1; level >= 0; level--)
        {
            for (var i = 0; i <= config.NumResBlocks; i++)
            {
                var index = output_blocks.Count;
                var layers = new List<nn.Module> { new ResBlock(ch + skipChannels.Pop(), embDim, config.LevelChannels(level), device) };
                ch = config.LevelChannels(level);
                if (config.AttentionResolutions.Contains(ds))
                {
                    layers.Add(Transformer(ch, UnetPlace.Up, $"output_blocks.{index}.1"));
                }
                if (level > 0 && i == config.NumResBlocks)
                {
                    layers.Add(new Upsample(ch, device));
                    ds /= 2;
                }
                output_blocks.Add(new UnetBlock([.. layers]));
            }
            // VPD keeps each level's features at that level's resolution: the block before the one that
            // upsamples (SD v1: 1, 4, 7), and for the finest level its last block (11).
            hierarchical.Add(level > 0 ? output_blocks.Count - 2 : output_blocks.Count - 1);
        }
        HierarchicalOutputBlocks = hierarchical;
        hierarchicalBlocks = [.. hierarchical];

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
