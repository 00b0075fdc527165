using Vpd.Core.Contracts;
using Vpd.Core.Masks;

namespace Vpd.Pipeline.Enqueue;

/// <summary>
/// One referred object to evaluate: the dataset reader's output, reduced to what the pipeline needs.
/// </summary>
/// <param name="ImagePath">Local image file (JPEG), uploaded as-is to inputs/{dataset}/images/{imageId}.jpg.</param>
/// <param name="Truth">Ground truth at the evaluation resolution S x S.</param>
public sealed record ReferredObject(
    string RefId, string ImageId, string ImagePath, BinaryMask Truth, IReadOnlyList<SentenceItem> Sentences);
