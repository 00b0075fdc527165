using TorchSharp;
using Vpd.Model.Config;
using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>ldm's <c>DiffusionWrapper</c>: only holds <c>diffusion_model</c>, so checkpoint keys read <c>…model.diffusion_model.*</c>.</summary>
internal sealed class DiffusionWrapper : nn.Module
{
    private readonly UnetModel diffusion_model;

    /// <summary>Wraps a UNet built from <paramref name="config"/>.</summary>
    public DiffusionWrapper(UnetConfig config, Device? device = null) : base(nameof(DiffusionWrapper))
    {
        diffusion_model = new UnetModel(config, device);
        RegisterComponents();
    }

    /// <summary>The UNet.</summary>
    public UnetModel DiffusionModel => diffusion_model;
}
