using Vpd.Core.Contracts;
using Vpd.Core.Masks;

namespace Vpd.Pipeline.Enqueue;

/// <summary>One referred object to evaluate, as the dataset reader gives it.</summary>
/// <param name="ImagePath">Local image file, uploaded as-is.</param>
/// <param name="Truth">Ground truth at the evaluation resolution S x S.</param>
public sealed record ReferredObject(string RefId, string ImageId, string ImagePath, BinaryMask Truth, IReadOnlyList<Sentence> Sentences);
