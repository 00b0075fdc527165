using System.Globalization;

namespace Vpd.Core.Contracts;

/// <summary>
/// Which sentences of a run get their averaged cross-attention maps stored (<c>vpd enqueue --attention</c>):
/// <c>none</c> (the default), <c>all</c>, <c>every:K</c> (every K-th referred object of the run, in enqueue
/// order, starting with the first) or <c>refs:ID,ID,...</c> (those referred objects).
/// </summary>
public static class AttentionChoice
{
    public const string None = "none";
    public const string All = "all";

    /// <summary>Whether the object at <paramref name="position"/> (0-based, enqueue order) with <paramref name="refId"/> is chosen.</summary>
    /// <exception cref="ArgumentException">Not a choice of the forms above.</exception>
    public static Func<int, string, bool> Parse(string? choice)
    {
        switch (choice)
        {
            case null or "" or None:
                return (_, _) => false;
            case All:
                return (_, _) => true;
        }
        if (choice.StartsWith("every:", StringComparison.Ordinal)
            && int.TryParse(choice.AsSpan("every:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1)
        {
            return (position, _) => position % k == 0;
        }
        if (choice.StartsWith("refs:", StringComparison.Ordinal))
        {
            var ids = choice["refs:".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (ids.Length > 0 && ids.All(Ids.IsValid))
            {
                var set = ids.ToHashSet(StringComparer.Ordinal);
                return (_, refId) => set.Contains(refId);
            }
        }
        throw new ArgumentException(
            $"attention choice '{choice}' is not one of: none, all, every:K (K >= 1), refs:ID[,ID...]");
    }
}
