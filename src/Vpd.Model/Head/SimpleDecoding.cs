using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Head;

/// <summary>
/// VPD's referring head <c>SimpleDecoding</c> (prefix <c>classifier.</c>). Coarse to fine, three stages:
/// bilinearly upsample the running map (align_corners) to the next feature's size when smaller,
/// concatenate, then (3x3 conv without bias, BatchNorm, ReLU) twice; finally <c>conv1_1</c> to 2 classes.
/// </summary>
internal sealed class SimpleDecoding : nn.Module
{
    // Declaration order = the reference's state_dict order.
    private readonly Conv2d conv1_4;
    private readonly BatchNorm2d bn1_4;
    private readonly Conv2d conv2_4;
    private readonly BatchNorm2d bn2_4;
    private readonly Conv2d conv1_3;
    private readonly BatchNorm2d bn1_3;
    private readonly Conv2d conv2_3;
    private readonly BatchNorm2d bn2_3;
    private readonly Conv2d conv1_2;
    private readonly BatchNorm2d bn1_2;
    private readonly Conv2d conv2_2;
    private readonly BatchNorm2d bn2_2;
    private readonly Conv2d conv1_1;

    /// <summary>Number of output classes (background, referred object).</summary>
    public const int Classes = 2;

    /// <param name="neckDim">Input channels per feature, finest first: [c1, c2, c3, c4]; the hidden width is c4 / 2.</param>
    public SimpleDecoding(IReadOnlyList<int> neckDim, Device? device = null) : base(nameof(SimpleDecoding))
    {
        if (neckDim.Count != 4)
        {
            throw new ArgumentException($"SimpleDecoding needs 4 neck dims, got {neckDim.Count}", nameof(neckDim));
        }
        long hidden = neckDim[3] / 2;
        Conv2d Conv3(long inChannels) => nn.Conv2d(inChannels, hidden, 3, padding: 1, bias: false, device: device);
        BatchNorm2d Bn() => nn.BatchNorm2d(hidden, device: device);
        conv1_4 = Conv3(neckDim[3] + neckDim[2]);
        bn1_4 = Bn();
        conv2_4 = Conv3(hidden);
        bn2_4 = Bn();
        conv1_3 = Conv3(hidden + neckDim[1]);
        bn1_3 = Bn();
        conv2_3 = Conv3(hidden);
        bn2_3 = Bn();
        conv1_2 = Conv3(hidden + neckDim[0]);
        bn1_2 = Bn();
        conv2_2 = Conv3(hidden);
        bn2_2 = Bn();
        conv1_1 = nn.Conv2d(hidden, Classes, 1, device: device);
        RegisterComponents();
    }

    /// <summary>Features, finest first (x_c1 .. x_c4, as the UNet wrapper returns them) -> logits [B, 2, h1, w1] at x_c1's size.</summary>
    public Tensor forward(IReadOnlyList<Tensor> features)
    {
        using var scope = NewDisposeScope();
        var x = Stage(features[3], features[2], conv1_4, bn1_4, conv2_4, bn2_4);
        x = Stage(x, features[1], conv1_3, bn1_3, conv2_3, bn2_3);
        x = Stage(x, features[0], conv1_2, bn1_2, conv2_2, bn2_2);
        return conv1_1.forward(x).MoveToOuterDisposeScope();
    }

    private static Tensor Stage(Tensor x, Tensor skip, Conv2d conv1, BatchNorm2d bn1, Conv2d conv2, BatchNorm2d bn2)
    {
        if (x.shape[2] < skip.shape[2] || x.shape[3] < skip.shape[3])
        {
            x = ResizeBilinear(x, skip.shape[2], skip.shape[3]);
        }
        var h = F.relu(bn1.forward(conv1.forward(cat([x, skip], 1))));
        return F.relu(bn2.forward(conv2.forward(h)));
    }

    /// <summary>Bilinear resize with align_corners = true, as every resize in VPD's head and output.</summary>
    public static Tensor ResizeBilinear(Tensor x, long height, long width) =>
        F.interpolate(x, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: true);
}
