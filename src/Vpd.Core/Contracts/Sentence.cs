namespace Vpd.Core.Contracts;

/// <summary>
/// One referring expression of an object, as it travels from the dataset through the queue to the segmenter and
/// into its result row: its position within the object (which names its mask and row), the dataset's sentence id
/// (<c>sent_id</c>) and its text.
/// </summary>
/// <param name="Index">0-based position within the referred object.</param>
/// <param name="SentId">The dataset-wide sentence id.</param>
/// <param name="Text">The sentence the model reads (the dataset's <c>sent</c>).</param>
public sealed record Sentence(int Index, long SentId, string Text);
