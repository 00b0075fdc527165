using System.Globalization;

namespace Vpd.Core.Contracts;

/// <summary>
/// Which sentence of which referred object: the identity of one result in a run (its row key and mask name).
/// Written <c>{refId}-{index}</c>; unambiguous because the index has no '-' and the last '-' separates it.
/// </summary>
public readonly record struct SampleId(string RefId, int Index) : IComparable<SampleId>
{
    /// <summary>By refId (ordinal), then index: the order of a run's rows.</summary>
    public int CompareTo(SampleId other)
    {
        var byRef = string.CompareOrdinal(RefId, other.RefId);
        return byRef != 0 ? byRef : Index.CompareTo(other.Index);
    }

    public override string ToString() =>
        $"{Ids.Validate(RefId, "refId")}-{(Index >= 0 ? Index : throw new ArgumentOutOfRangeException(nameof(Index), Index, "sentence index must not be negative")).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads <c>{refId}-{index}</c>; false for anything else.</summary>
    public static bool TryParse(string? text, out SampleId id)
    {
        id = default;
        var dash = text?.LastIndexOf('-') ?? -1;
        if (dash <= 0 || !int.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !Ids.IsValid(text![..dash]))
        {
            return false;
        }
        id = new SampleId(text[..dash], index);
        return true;
    }
}
