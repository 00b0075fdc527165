using Vpd.Model.Config;

namespace Vpd.Model.Unet;

/// <summary>What one layer of a UNet block is.</summary>
internal enum UnetLayerKind
{
    /// <summary>The first 3x3 convolution from the latents.</summary>
    InputConv,
    ResBlock,
    Transformer,
    /// <summary>A stride-2 3x3 convolution.</summary>
    Downsample,
    /// <summary>Nearest upsampling then a 3x3 convolution.</summary>
    Upsample,
}

/// <summary>One layer: its kind, channels in and out, and the downsampling factor its output lives at.</summary>
internal sealed record UnetLayer(UnetLayerKind Kind, long InChannels, long OutChannels, int Downscale);

/// <summary>One block (<c>input_blocks.i</c>, <c>middle_block</c>, <c>output_blocks.j</c>): its layers in order.</summary>
internal sealed record UnetBlockLayout(string Path, UnetPlace Place, IReadOnlyList<UnetLayer> Layers);

/// <summary>
/// The CompVis ldm UNet's block structure as a config implies it: the one walk over levels, res blocks,
/// attention resolutions and skip channels that both the module (<see cref="UnetModel"/>) and the cost model
/// (the benchmarks' MAC count) follow, so they cannot disagree about what the UNet is.
/// </summary>
internal sealed record UnetLayout(
    IReadOnlyList<UnetBlockLayout> InputBlocks, UnetBlockLayout MiddleBlock, IReadOnlyList<UnetBlockLayout> OutputBlocks,
    IReadOnlyList<int> HierarchicalOutputBlocks, long FinalChannels)
{
    public static UnetLayout Of(UnetConfig config)
    {
        var input = new List<UnetBlockLayout>
        {
            new("input_blocks.0", UnetPlace.Down, [new UnetLayer(UnetLayerKind.InputConv, config.InChannels, config.ModelChannels, 1)]),
        };
        var skipChannels = new Stack<long>();
        skipChannels.Push(config.ModelChannels);
        long ch = config.ModelChannels;
        var ds = 1;
        var levels = config.ChannelMult.Count;
        for (var level = 0; level < levels; level++)
        {
            for (var i = 0; i < config.NumResBlocks; i++)
            {
                var outCh = config.LevelChannels(level);
                var layers = new List<UnetLayer> { new(UnetLayerKind.ResBlock, ch, outCh, ds) };
                ch = outCh;
                if (config.AttentionResolutions.Contains(ds))
                {
                    layers.Add(new UnetLayer(UnetLayerKind.Transformer, ch, ch, ds));
                }
                input.Add(new UnetBlockLayout($"input_blocks.{input.Count}", UnetPlace.Down, layers));
                skipChannels.Push(ch);
            }
            if (level != levels - 1)
            {
                ds *= 2;
                input.Add(new UnetBlockLayout($"input_blocks.{input.Count}", UnetPlace.Down, [new UnetLayer(UnetLayerKind.Downsample, ch, ch, ds)]));
                skipChannels.Push(ch);
            }
        }

        var middle = new UnetBlockLayout("middle_block", UnetPlace.Mid,
            [new(UnetLayerKind.ResBlock, ch, ch, ds), new(UnetLayerKind.Transformer, ch, ch, ds), new(UnetLayerKind.ResBlock, ch, ch, ds)]);

        var output = new List<UnetBlockLayout>();
        var hierarchical = new List<int>();
        for (var level = levels - 1; level >= 0; level--)
        {
            for (var i = 0; i <= config.NumResBlocks; i++)
            {
                var outCh = config.LevelChannels(level);
                var layers = new List<UnetLayer> { new(UnetLayerKind.ResBlock, ch + skipChannels.Pop(), outCh, ds) };
                ch = outCh;
                if (config.AttentionResolutions.Contains(ds))
                {
                    layers.Add(new UnetLayer(UnetLayerKind.Transformer, ch, ch, ds));
                }
                if (level > 0 && i == config.NumResBlocks)
                {
                    ds /= 2;
                    layers.Add(new UnetLayer(UnetLayerKind.Upsample, ch, ch, ds));
                }
                output.Add(new UnetBlockLayout($"output_blocks.{output.Count}", UnetPlace.Up, layers));
            }
            // VPD keeps each level's features at that level's resolution: the block before the one that
            // upsamples (SD v1: 1, 4, 7), and for the finest level its last block (11).
            hierarchical.Add(level > 0 ? output.Count - 2 : output.Count - 1);
        }
        return new UnetLayout(input, middle, output, hierarchical, ch);
    }
}
