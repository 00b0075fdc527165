namespace Vpd.Tools.Evaluation;

/// <summary>What part of a split to evaluate, and how.</summary>
/// <param name="Limit">Evaluate only the first N referred objects of the split (file order); null = all.</param>
/// <param name="ShuffleSentences">
/// The shuffled-sentence control: each object is scored against its own truth but segmented from the
/// sentences of another object of the same image; objects alone in their image are skipped.
/// </param>
public sealed record EvaluationOptions(int? Limit = null, bool ShuffleSentences = false)
{
    public void Validate()
    {
        if (Limit is < 1)
        {
            throw new ArgumentException($"the object limit must be at least 1, got {Limit}");
        }
    }
}
