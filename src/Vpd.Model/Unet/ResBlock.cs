using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>
/// ldm's UNet <c>ResBlock</c> (no scale-shift norm): <c>in_layers</c> (GroupNorm eps 1e-5, SiLU, conv),
/// plus <c>emb_layers</c>(time embedding) broadcast over H and W, then <c>out_layers</c> (GroupNorm,
/// SiLU, dropout, conv); residual through a 1x1 <c>skip_connection</c> when the channels change.
/// </summary>
internal sealed class ResBlock : nn.Module
{
    internal const double NormEps = 1e-5;

    private readonly Sequential in_layers;
    private readonly Sequential emb_layers;
    private readonly Sequential out_layers;
    private readonly Conv2d? skip_connection;

    /// <summary>A block from <paramref name="channels"/> to <paramref name="outChannels"/> reading a time embedding of <paramref name="embDim"/>.</summary>
    public ResBlock(long channels, long embDim, long outChannels, Device? device = null) : base(nameof(ResBlock))
    {
        in_layers = nn.Sequential(Norms.GroupNorm32(channels, NormEps, device), nn.SiLU(), nn.Conv2d(channels, outChannels, 3, padding: 1, device: device));
        emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(embDim, outChannels, device: device));
        out_layers = nn.Sequential(
            Norms.GroupNorm32(outChannels, NormEps, device), nn.SiLU(), nn.Dropout(0.0), nn.Conv2d(outChannels, outChannels, 3, padding: 1, device: device));
        skip_connection = channels != outChannels ? nn.Conv2d(channels, outChannels, 1, device: device) : null;
        RegisterComponents();
    }

    /// <summary>Feature map [B, C, H, W] and time embedding [B, E].</summary>
    public Tensor forward(Tensor x, Tensor emb)
    {
        using var scope = NewDisposeScope();
        var h = in_layers.forward(x) + emb_layers.forward(emb).unsqueeze(-1).unsqueeze(-1);
        h = out_layers.forward(h);
        var skip = skip_connection is null ? x : skip_connection.forward(x);
        return (skip + h).MoveToOuterDisposeScope();
    }
}
