namespace Vpd.Core.Refer;

/// <summary>
/// One evaluation sample: a sentence of a referred object. The evaluation protocol scores every
/// sentence of every referred object of a split, so a ref with three sentences gives three samples.
/// </summary>
/// <param name="RefId">The referred object.</param>
/// <param name="AnnId">Its COCO annotation (the ground truth).</param>
/// <param name="ImageId">Its COCO image.</param>
/// <param name="ImagePath">The image file on disk.</param>
/// <param name="SentenceIndex">Position of the sentence within the ref (0-based).</param>
/// <param name="SentId">The dataset-wide sentence id.</param>
/// <param name="Sentence">The sentence text (<c>sent</c>).</param>
public sealed record ReferringSample(
    long RefId, long AnnId, long ImageId, string ImagePath, int SentenceIndex, long SentId, string Sentence);
