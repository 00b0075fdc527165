using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Adapter;

/// <summary>
/// VPD's <c>TextAdapter</c> (prefix <c>text_adapter.</c>): <c>fc</c> = [Linear, GELU (exact erf), Linear];
/// the output is <c>l + gamma * fc(l)</c>, with <c>gamma</c> owned by the model root (checkpoint key <c>gamma</c>).
/// </summary>
internal sealed class TextAdapter : nn.Module
{
    private readonly Sequential fc;

    /// <summary>An adapter over text embeddings of width <paramref name="dim"/>.</summary>
    public TextAdapter(long dim, Device? device = null) : base(nameof(TextAdapter))
    {
        fc = nn.Sequential(nn.Linear(dim, dim, device: device), nn.GELU(), nn.Linear(dim, dim, device: device));
        RegisterComponents();
    }

    /// <summary>Text embeddings [B, L, D] and gamma [D] -> adapted embeddings [B, L, D].</summary>
    public Tensor forward(Tensor text, Tensor gamma)
    {
        using var adapted = fc.forward(text);
        using var scaled = gamma * adapted;
        return text + scaled;
    }
}
