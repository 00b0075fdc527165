using Vpd.Core.Refer;

namespace Vpd.Tools.Evaluation;

/// <summary>The referred objects of a split in file order, cut to a limit; what both evaluation and the baselines walk.</summary>
internal static class SplitObjects
{
    public static IReadOnlyList<ReferRef> Take(ReferDataset dataset, string split, int? limit)
    {
        var refs = dataset.Refs(split).Where(r => r.Sentences.Count > 0).ToList();
        return limit is { } n && n < refs.Count ? refs[..n] : refs;
    }
}
