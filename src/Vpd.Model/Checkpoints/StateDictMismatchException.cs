namespace Vpd.Model.Checkpoints;

/// <summary>
/// A state dict does not fit a module: the message lists every missing key, every unexpected key and
/// every tensor whose shape or kind of dtype differs, so one run shows the whole mismatch.
/// </summary>
public sealed class StateDictMismatchException : Exception
{
    /// <summary>Creates the exception; <paramref name="source"/> names the checkpoint.</summary>
    public StateDictMismatchException(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
        : base(BuildMessage(source, missing, unexpected, mismatched))
    {
        CheckpointSource = source;
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
        MismatchedTensors = mismatched;
    }

    /// <summary>The checkpoint the state dict came from.</summary>
    public string CheckpointSource { get; }

    /// <summary>Module keys the state dict lacks.</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>State-dict keys the module has no tensor for (and no ignore rule accepted).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>One line per key present in both whose shape or dtype kind differs.</summary>
    public IReadOnlyList<string> MismatchedTensors { get; }

    private static string BuildMessage(string source, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
    {
        var parts = new List<string> { $"{source}: state dict does not match the model" };
        if (missing.Count > 0)
        {
            parts.Add($"{missing.Count} missing key(s): {string.Join(", ", missing)}");
        }
        if (unexpected.Count > 0)
        {
            parts.Add($"{unexpected.Count} unexpected key(s): {string.Join(", ", unexpected)}");
        }
        if (mismatched.Count > 0)
        {
            parts.Add($"{mismatched.Count} mismatched tensor(s): {string.Join("; ", mismatched)}");
        }
        return string.Join(". ", parts);
    }
}
