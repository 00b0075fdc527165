namespace Vpd.Core.Synthetic;

/// <summary>The colours RefShapes paints with: a name (a word of the sentences) and a base RGB that is jittered per shape.</summary>
public sealed record ShapeColour(string Name, byte R, byte G, byte B)
{
    /// <summary>Five colours far apart in RGB, so that a few levels of jitter and JPEG never confuse them.</summary>
    public static IReadOnlyList<ShapeColour> Palette { get; } =
    [
        new("red", 215, 40, 40),
        new("green", 40, 170, 60),
        new("blue", 45, 80, 220),
        new("yellow", 230, 210, 45),
        new("purple", 150, 60, 190),
    ];
}
