using Vpd.Core.Synthetic;

namespace Vpd.Core.Tests.Synthetic;

/// <summary>
/// An independent reading of a RefShapes sentence, written from the dataset's specification
/// (TINY.md), not from the generator: colour and shape words filter; left/right/top/bottom pick
/// the match whose centre is at least 8 px beyond every other match; biggest/smallest the one
/// whose area is at least 1.3 times (at most 1/1.3 of) every other's. Returns the objects the
/// sentence can mean: exactly one for a sentence that singles out its object.
/// </summary>
internal static class SentenceInterpreter
{
    private const double Margin = 8;
    private const double Ratio = 1.3;
    private static readonly string[] Colours = ["red", "green", "blue", "yellow", "purple"];
    private static readonly Dictionary<string, ShapeKind> Kinds = new()
    {
        ["circle"] = ShapeKind.Circle,
        ["square"] = ShapeKind.Square,
        ["triangle"] = ShapeKind.Triangle,
    };

    public static IReadOnlyList<RefShapesObject> Referents(string sentence, IReadOnlyList<RefShapesObject> objects)
    {
        var words = sentence.Split(' ');
        var colour = words.FirstOrDefault(Colours.Contains);
        ShapeKind? kind = words.FirstOrDefault(Kinds.ContainsKey) is { } k ? Kinds[k] : null;
        var matches = objects.Where(o => (colour is null || o.Colour == colour) && (kind is null || o.Kind == kind)).ToList();
        Func<RefShapesObject, RefShapesObject, bool>? beats = null;
        if (words.Contains("left"))
        {
            beats = (a, b) => a.CentreX + Margin <= b.CentreX;
        }
        else if (words.Contains("right"))
        {
            beats = (a, b) => a.CentreX >= b.CentreX + Margin;
        }
        else if (words.Contains("top"))
        {
            beats = (a, b) => a.CentreY + Margin <= b.CentreY;
        }
        else if (words.Contains("bottom"))
        {
            beats = (a, b) => a.CentreY >= b.CentreY + Margin;
        }
        else if (words.Contains("biggest"))
        {
            beats = (a, b) => a.Area >= Ratio * b.Area;
        }
        else if (words.Contains("smallest"))
        {
            beats = (a, b) => b.Area >= Ratio * a.Area;
        }
        return beats is null
            ? matches
            : [.. matches.Where(m => matches.All(other => ReferenceEquals(other, m) || beats(m, other)))];
    }
}
