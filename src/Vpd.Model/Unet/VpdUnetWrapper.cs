using TorchSharp;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>
/// VPD's <c>UNetWrapper</c> (prefix <c>unet.</c> in VPD checkpoints; its UNet is at
/// <c>unet.unet.diffusion_model.*</c>): runs the UNet once with an attention store and returns the
/// hierarchical features with the averaged cross-attention maps appended.
/// </summary>
internal sealed class VpdUnetWrapper : nn.Module
{
    private readonly DiffusionWrapper unet;
    private readonly int baseSize;

    /// <param name="baseSize">VPD's base_size (the image side), which fixes the kept map sizes: at most ((base/8)/2)^2 queries; base/16 and base/32 are appended.</param>
    public VpdUnetWrapper(UnetConfig config, int baseSize, Device? device = null) : base(nameof(VpdUnetWrapper))
    {
        unet = new DiffusionWrapper(config, device);
        this.baseSize = baseSize;
        RegisterComponents();
    }

    /// <summary>The wrapped ldm module holding <c>diffusion_model</c> (load SD weights into it with prefix <c>model.</c>).</summary>
    public DiffusionWrapper Unet => unet;

    /// <summary>The UNet itself.</summary>
    public UnetModel DiffusionModel => unet.DiffusionModel;

    /// <summary>
    /// Latents [B, 4, h, w], timesteps [B] int64, context [B, L, C]. The trace receives the UNet's block
    /// outputs and every kept layer's map (<c>attn_layer.&lt;path&gt;</c>).
    /// </summary>
    public VpdUnetOutput forward(Tensor latents, Tensor timesteps, Tensor context, ForwardTrace? trace = null, bool computeEps = false)
    {
        using var scope = NewDisposeScope();
        var maxSide = baseSize / 8 / 2;
        using var store = new AttentionStore((long)maxSide * maxSide, trace);
        var result = unet.DiffusionModel.forward(latents, timesteps, context, store, trace, computeEps);
        var maps = store.AveragedMaps();
        var hier = result.Hierarchical;
        if (hier.Count != VpdReferConfig.Levels)
        {
            throw new InvalidOperationException($"VPD reads {VpdReferConfig.Levels} UNet levels; this UNet has {hier.Count}");
        }
        // Each tensor is moved out of this scope exactly once (hier 0 and 3 appear in both lists).
        var features = new List<Tensor>
        {
            hier[3],
            cat([hier[2], Map(maps, baseSize / 16)], 1).MoveToOuterDisposeScope(),
            cat([hier[1], Map(maps, baseSize / 32)], 1).MoveToOuterDisposeScope(),
            hier[0],
        };
        foreach (var feature in hier)
        {
            feature.MoveToOuterDisposeScope();
        }
        foreach (var map in maps.Values)
        {
            map.MoveToOuterDisposeScope();
        }
        var output = new VpdUnetOutput(features, hier, maps, result.Eps?.MoveToOuterDisposeScope());
        return output;
    }

    private static Tensor Map(IReadOnlyDictionary<int, Tensor> maps, int side) =>
        maps.TryGetValue(side, out var map)
            ? map
            : throw new InvalidOperationException(
                $"no cross-attention maps of side {side}: the UNet needs attention at that size (kept sides: [{string.Join(", ", maps.Keys)}])");
}
