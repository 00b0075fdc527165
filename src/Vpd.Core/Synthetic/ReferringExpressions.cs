namespace Vpd.Core.Synthetic;

/// <summary>
/// Writes the sentences of a RefShapes scene. A sentence is a filter (colour, shape, colour and
/// shape, or just "shape" / "one" / "thing") and, only when the filter matches more than one
/// shape, a selector that picks the target among the matches: left / right / top / bottom when
/// its pixel centre is at least <see cref="PositionMargin"/> px beyond every other match, biggest /
/// smallest when its area is at least <see cref="AreaRatio"/> times every other match's (or at
/// most 1 / that). A sentence is kept only when it singles out exactly its shape.
/// </summary>
internal static class ReferringExpressions
{
    public const double PositionMargin = 8;
    public const double AreaRatio = 1.3;

    /// <summary>Nouns for a filter without a shape word.</summary>
    public static IReadOnlyList<string> GenericNouns { get; } = ["shape", "one", "thing"];

    private enum Selector
    {
        None,
        Left,
        Right,
        Top,
        Bottom,
        Biggest,
        Smallest,
    }

    /// <summary>2-3 distinct sentences per shape (fewer when fewer single it out), in the order chosen.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Describe(IReadOnlyList<PlacedShape> shapes, SplitMix64 random)
    {
        var result = new List<IReadOnlyList<string>>(shapes.Count);
        foreach (var target in shapes)
        {
            var candidates = new List<string>();
            foreach (var (colour, kind) in Filters(target))
            {
                // A colour-only or generic filter needs a noun; draw one so the wording varies.
                var phrase = (colour, kind) switch
                {
                    ({ } c, { } k) => $"{c} {k.Word()}",
                    (null, { } k) => k.Word(),
                    ({ } c, null) => $"{c} {random.Pick(GenericNouns)}",
                    _ => random.Pick(GenericNouns),
                };
                var matches = shapes.Where(s => (colour is null || s.Colour == colour) && (kind is null || s.Kind == kind)).ToList();
                if (matches.Count == 1)
                {
                    candidates.Add($"the {phrase}");
                    continue;
                }
                foreach (var selector in Enum.GetValues<Selector>())
                {
                    if (selector != Selector.None && Selects(selector, target, matches))
                    {
                        candidates.Add(Sentence(selector, phrase, random));
                    }
                }
            }
            var distinct = candidates.Distinct(StringComparer.Ordinal).ToList();
            Shuffle(distinct, random);
            var wanted = random.NextInt(2, 3);
            result.Add(distinct.Take(wanted).ToList());
        }
        return result;
    }

    private static IEnumerable<(string? Colour, ShapeKind? Kind)> Filters(PlacedShape target)
    {
        yield return (target.Colour, target.Kind);
        yield return (null, target.Kind);
        yield return (target.Colour, null);
        yield return (null, null);
    }

    private static bool Selects(Selector selector, PlacedShape target, IReadOnlyList<PlacedShape> matches)
    {
        foreach (var other in matches)
        {
            if (ReferenceEquals(other, target))
            {
                continue;
            }
            var holds = selector switch
            {
                Selector.Left => target.CentreX + PositionMargin <= other.CentreX,
                Selector.Right => target.CentreX >= other.CentreX + PositionMargin,
                Selector.Top => target.CentreY + PositionMargin <= other.CentreY,
                Selector.Bottom => target.CentreY >= other.CentreY + PositionMargin,
                Selector.Biggest => target.Area >= AreaRatio * other.Area,
                Selector.Smallest => other.Area >= AreaRatio * target.Area,
                _ => false,
            };
            if (!holds)
            {
                return false;
            }
        }
        return true;
    }

    private static string Sentence(Selector selector, string phrase, SplitMix64 random)
    {
        // Positional sentences come with or without the article ("blue thing on the left"); a
        // two-word phrase never takes it, which keeps every sentence within five words.
        var article = !phrase.Contains(' ', StringComparison.Ordinal) && random.NextInt(0, 1) == 0 ? "the " : "";
        return selector switch
        {
            Selector.Left => $"{article}{phrase} on the left",
            Selector.Right => $"{article}{phrase} on the right",
            Selector.Top => $"{article}{phrase} at the top",
            Selector.Bottom => $"{article}{phrase} at the bottom",
            Selector.Biggest => $"the biggest {phrase}",
            Selector.Smallest => $"the smallest {phrase}",
            _ => throw new ArgumentOutOfRangeException(nameof(selector), selector, "no sentence without a selector here"),
        };
    }

    private static void Shuffle<T>(List<T> items, SplitMix64 random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.NextInt(0, i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
