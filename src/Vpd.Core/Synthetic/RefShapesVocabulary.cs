namespace Vpd.Core.Synthetic;

/// <summary>
/// Every word a RefShapes sentence can contain, so the Tiny model's tokenizer can be built
/// from them. Derived from the same lists the sentence writer draws from.
/// </summary>
public static class RefShapesVocabulary
{
    private static readonly string[] FunctionWords = ["the", "on", "at", "left", "right", "top", "bottom", "biggest", "smallest"];

    /// <summary>The words, sorted ordinally.</summary>
    public static IReadOnlyList<string> Words { get; } =
    [
        .. FunctionWords
            .Concat(ReferringExpressions.GenericNouns)
            .Concat(ShapeKindWords.All.Select(k => k.Word()))
            .Concat(ShapeColour.Palette.Select(c => c.Name))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];
}
