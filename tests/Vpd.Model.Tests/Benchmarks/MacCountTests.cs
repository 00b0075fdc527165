using Vpd.Tools.Benchmarks;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.TestSupport;

namespace Vpd.Model.Tests.Benchmarks;

/// <summary>The analytic counts must reproduce the reference's counted GMACs of the same full-size forwards.</summary>
public sealed class MacCountTests
{
    private const double Tolerance = 0.005;

    [SkippableFact]
    public void Counts_Sd15FullSizeForwards_MatchTheReferenceAnchors()
    {
        var anchors = PerfAnchors.Load(RepoPaths.Golden("perf_anchors.json"));
        var config = VpdReferConfig.Sd15;
        var clip = MacCount.Clip(ClipTextConfig.VitL14, 40);
        var vae = MacCount.VaeEncoder(config.Vae, 512);
        var unet = MacCount.Unet(config.Unet, 64, 40, includeOut: true);
        // The head sees the features at the latent side and its halvings (64, 32, 16, 8 for 512 px).
        var vpd = vae + MacCount.Unet(config.Unet, 64, 40, includeOut: false) + MacCount.TextAdapter(768, 40)
            + MacCount.Head(config.NeckDim, [64, 32, 16, 8]);

        AssertClose(anchors[PerfAnchors.Clip].Gmacs, clip);
        AssertClose(anchors[PerfAnchors.VaeEncoder].Gmacs, vae);
        AssertClose(anchors[PerfAnchors.Unet].Gmacs, unet);
        AssertClose(anchors[PerfAnchors.VpdForward].Gmacs, vpd);
    }

    [Fact]
    public void Unet_DoubleLatentSide_AtLeastQuadruplesTheCount()
    {
        var small = MacCount.Unet(UnetConfig.Sd15, 32, 40, includeOut: false);
        var large = MacCount.Unet(UnetConfig.Sd15, 64, 40, includeOut: false);

        // Convolutions scale with the area; self-attention with its square.
        Assert.True(large >= 4 * small && large < 16 * small, $"{small} -> {large}");
    }

    private static void AssertClose(double expectedGmacs, double macs)
    {
        var gmacs = macs / 1e9;
        Assert.True(Math.Abs(gmacs - expectedGmacs) <= Tolerance * expectedGmacs, $"counted {gmacs:F3} GMACs, reference {expectedGmacs}");
    }
}
