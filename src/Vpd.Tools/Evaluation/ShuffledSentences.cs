using Vpd.Core.Refer;

namespace Vpd.Tools.Evaluation;

/// <summary>
/// The shuffled-sentence control's pairing: within an image, object i reads the sentences of the next
/// object of the same image in file order (cyclically), all its own truth. Deterministic, and every
/// object reads sentences that describe a different object of the same picture -- a model that
/// segments by the sentence should then score low, a text-blind one as before.
/// </summary>
public static class ShuffledSentences
{
    /// <summary>For each ref of <paramref name="refs"/> with another referred object in its image (among <paramref name="all"/>), the ref whose sentences it reads.</summary>
    public static IReadOnlyDictionary<long, ReferRef> Pair(IReadOnlyList<ReferRef> refs, IReadOnlyList<ReferRef> all)
    {
        var byImage = all.Where(r => r.Sentences.Count > 0).GroupBy(r => r.ImageId).ToDictionary(g => g.Key, g => g.ToList());
        var pairs = new Dictionary<long, ReferRef>();
        foreach (var item in refs)
        {
            if (!byImage.TryGetValue(item.ImageId, out var siblings) || siblings.Count < 2)
            {
                continue;
            }
            var index = siblings.FindIndex(r => r.RefId == item.RefId);
            pairs[item.RefId] = siblings[(index + 1) % siblings.Count];
        }
        return pairs;
    }

    /// <summary>K sentences for an object of K sentences, taken cyclically from <paramref name="other"/>.</summary>
    public static IReadOnlyList<ReferSentence> Borrow(ReferRef item, ReferRef other) =>
        [.. Enumerable.Range(0, item.Sentences.Count).Select(i => other.Sentences[i % other.Sentences.Count])];
}
