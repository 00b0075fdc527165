using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>CLIP's feed-forward block: <c>fc2(act(fc1(x)))</c>, quick-GELU for the OpenAI models.</summary>
internal sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly bool quickGelu;

    /// <summary>Creates <c>fc1</c> (hidden to intermediate) and <c>fc2</c> (back).</summary>
    public ClipMlp(ClipTextConfig config, Device? device = null) : base(nameof(ClipMlp))
    {
        fc1 = nn.Linear(config.HiddenSize, config.IntermediateSize, device: device);
        fc2 = nn.Linear(config.IntermediateSize, config.HiddenSize, device: device);
        quickGelu = config.HiddenAct == "quick_gelu";
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var h = fc1.forward(x);
        // quick_gelu(u) = u * sigmoid(1.702 u), the approximation the OpenAI CLIP weights were trained with.
        h = quickGelu ? h * torch.sigmoid(h * 1.702) : nn.functional.gelu(h);
        return fc2.forward(h);
    }
}
