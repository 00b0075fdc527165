namespace Vpd.Core.Synthetic;

/// <summary>The shapes RefShapes draws; the value is the COCO category id.</summary>
public enum ShapeKind
{
    Circle = 1,
    Square = 2,
    Triangle = 3,
}

internal static class ShapeKindWords
{
    public static IReadOnlyList<ShapeKind> All { get; } = [ShapeKind.Circle, ShapeKind.Square, ShapeKind.Triangle];

    /// <summary>The word naming the shape in sentences and the COCO category name.</summary>
    public static string Word(this ShapeKind kind) => kind switch
    {
        ShapeKind.Circle => "circle",
        ShapeKind.Square => "square",
        ShapeKind.Triangle => "triangle",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown shape kind"),
    };
}
