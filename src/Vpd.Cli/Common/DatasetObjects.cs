using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Refer;
using Vpd.Pipeline.Enqueue;

namespace Vpd.Cli.Common;

/// <summary>The referred objects of a dataset split, as the enqueuer takes them (truth at S x S).</summary>
public static class DatasetObjects
{
    /// <param name="limit">At most this many referred objects, in file order (null: all).</param>
    /// <param name="subset">Only the objects of this seeded random draw, as <c>vpd train --subset N --subset-seed S</c> trains on (before <paramref name="limit"/>).</param>
    /// <exception cref="ArgumentException">Unknown dataset or split, or a non-positive limit.</exception>
    public static IReadOnlyList<ReferredObject> Load(
        string dataRoot, string datasetId, string split, int imageSize, int? limit, (int Count, long Seed)? subset = null)
    {
        if (limit is <= 0)
        {
            throw new ArgumentException($"--limit {limit} must be positive");
        }
        var dataset = ReferDataset.Load(dataRoot, datasetId);
        IEnumerable<ReferRef> refs = dataset.Refs(split).Where(r => r.Sentences.Count > 0).ToList();
        if (subset is { } draw && draw.Count < refs.Count())
        {
            var all = refs.ToList();
            refs = Vpd.Tools.Training.TrainingSubset.Indexes(all.Count, draw.Count, draw.Seed).Select(i => all[i]);
        }
        if (limit is { } n)
        {
            refs = refs.Take(n);
        }
        return refs.Select(r => new ReferredObject(
            Invariant(r.RefId),
            Invariant(r.ImageId),
            dataset.ImagePath(r.ImageId),
            EvalTransform.ResizeTruth(dataset.TruthMask(r.RefId), imageSize),
            r.Sentences.Select((s, i) => new Sentence(i, s.SentId, s.Sent)).ToList())).ToList();
    }

    private static string Invariant(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
