using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>The stack of encoder layers (<c>layers.{i}</c>).</summary>
internal sealed class ClipEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ClipEncoderLayer> layers;

    /// <summary>Creates <c>config.NumHiddenLayers</c> layers.</summary>
    public ClipEncoder(ClipTextConfig config, Device? device = null) : base(nameof(ClipEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new ClipEncoderLayer(config, device)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>Runs every layer; when <paramref name="layerOutputs"/> is given, each layer's output is added to it.</summary>
    public Tensor Forward(Tensor x, List<Tensor>? layerOutputs)
    {
        foreach (var layer in layers)
        {
            x = layer.forward(x);
            layerOutputs?.Add(x);
        }
        return x;
    }
}
