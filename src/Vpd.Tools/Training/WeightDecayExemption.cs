namespace Vpd.Tools.Training;

/// <summary>Which trained parameters AdamW leaves undecayed.</summary>
public enum WeightDecayExemption
{
    /// <summary>
    /// VPD's <c>refer/train.py</c>: exactly the parameters whose full name contains <c>norm</c>. Biases, the head's
    /// BatchNorms (<c>bn*</c>) and the ldm ResBlock GroupNorms (<c>in_layers.0</c>, <c>out_layers.0</c>, <c>out.0</c>),
    /// whose names do not say "norm", are decayed there.
    /// </summary>
    NormNames,

    /// <summary>Every bias and every parameter of a normalisation layer (the common transformer recipe).</summary>
    BiasesAndNormLayers,
}

public static class WeightDecayExemptions
{
    /// <summary>The CLI's names, in the enum's order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["norm-names", "biases+norm-layers"];

    public static string Name(this WeightDecayExemption exemption) => Names[(int)exemption];

    public static WeightDecayExemption Parse(string name)
    {
        var index = Names.ToList().IndexOf(name);
        return index >= 0
            ? (WeightDecayExemption)index
            : throw new ArgumentException($"--no-decay must be one of {string.Join(", ", Names)}; got '{name}'");
    }
}
