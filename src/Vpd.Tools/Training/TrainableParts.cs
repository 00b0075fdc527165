namespace Vpd.Tools.Training;

/// <summary>Which parts of the model a run trains; everything else is frozen (no gradients, eval mode).</summary>
public enum TrainableParts
{
    /// <summary>The SimpleDecoding head only (the seed's recipe).</summary>
    Head,

    /// <summary>Head, text adapter and its gamma.</summary>
    HeadAdapter,

    /// <summary>Head, adapter and UNet (VPD's recipe: VAE and CLIP frozen).</summary>
    HeadAdapterUnet,

    /// <summary>Everything, stem and text encoder included (a Tiny trained from scratch).</summary>
    All,
}

public static class TrainableNames
{
    /// <summary>The CLI's names, in the enum's order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["head", "head+adapter", "head+adapter+unet", "all"];

    public static string Name(this TrainableParts parts) => Names[(int)parts];

    public static TrainableParts Parse(string name)
    {
        var index = Names.ToList().IndexOf(name);
        return index >= 0
            ? (TrainableParts)index
            : throw new ArgumentException($"--trainable must be one of {string.Join(", ", Names)}; got '{name}'");
    }

    public static bool TrainsAdapter(this TrainableParts parts) => parts >= TrainableParts.HeadAdapter;

    public static bool TrainsUnet(this TrainableParts parts) => parts >= TrainableParts.HeadAdapterUnet;

    /// <summary>The VAE encoder (stem) and the CLIP text encoder train only under <see cref="TrainableParts.All"/>.</summary>
    public static bool TrainsStemAndText(this TrainableParts parts) => parts == TrainableParts.All;
}
