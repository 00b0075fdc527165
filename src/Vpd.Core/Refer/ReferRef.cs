namespace Vpd.Core.Refer;

/// <summary>One referring expression of a referred object, as stored in a refs pickle.</summary>
/// <param name="SentId">The dataset-wide sentence id (<c>sent_id</c>).</param>
/// <param name="Sent">The normalised sentence the models read (<c>sent</c>).</param>
/// <param name="Raw">The sentence as the annotator typed it (<c>raw</c>; <see cref="Sent"/> when absent).</param>
/// <param name="Tokens">The dataset's own word tokens (<c>tokens</c>; empty when absent).</param>
public sealed record ReferSentence(long SentId, string Sent, string Raw, IReadOnlyList<string> Tokens);

/// <summary>A referred object: one COCO annotation and the sentences that describe it.</summary>
/// <param name="RefId">The ref id (<c>ref_id</c>).</param>
/// <param name="AnnId">The COCO annotation it refers to (<c>ann_id</c>).</param>
/// <param name="ImageId">The COCO image (<c>image_id</c>).</param>
/// <param name="Split">The split it belongs to (<c>train</c>, <c>val</c>, <c>testA</c>, ...).</param>
/// <param name="CategoryId">The COCO category (<c>category_id</c>; 0 when absent).</param>
/// <param name="Sentences">The sentences in file order.</param>
public sealed record ReferRef(long RefId, long AnnId, long ImageId, string Split, long CategoryId, IReadOnlyList<ReferSentence> Sentences);
