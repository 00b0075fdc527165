using Vpd.Model;
using Vpd.Model.Checkpoints;
namespace Vpd.Tools.Checkpoints.Import;

/// <summary>What <see cref="CheckpointImporter.Import"/> built.</summary>
/// <param name="Model">The model in evaluation mode, float32 on the CPU. The caller owns it.</param>
/// <param name="Sources">Each input file, in the order given, with what it supplied.</param>
/// <param name="Warnings">Facts a user should see that do not stop the import (e.g. the checkpoint was trained at another image size).</param>
public sealed record ImportedModel(VpdModel Model, IReadOnlyList<ImportSource> Sources, IReadOnlyList<string> Warnings);

/// <summary>One input of an import.</summary>
/// <param name="Path">The file as given.</param>
/// <param name="Kind">What the file was recognised as.</param>
public sealed record ImportSource(string Path, CheckpointKind Kind);

/// <summary>The checkpoint layouts the product reads.</summary>
public enum CheckpointKind
{
    /// <summary>A Stable Diffusion v1.x single file (<c>.safetensors</c>, or a torch zip with <c>state_dict</c>).</summary>
    StableDiffusion,

    /// <summary>A checkpoint of VPD's <c>refer/train.py</c>: a torch zip whose <c>model</c> entry is <c>VPDRefer.state_dict()</c>.</summary>
    VpdRefer,

    /// <summary>The product's own model file (<see cref="VpdModelFile"/>).</summary>
    ProductModel,
}
