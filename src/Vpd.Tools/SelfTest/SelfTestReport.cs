namespace Vpd.Tools.SelfTest;

/// <summary>What <see cref="GoldenSelfTest.Run"/> found.</summary>
/// <param name="Checks">Every compared value, case by case.</param>
/// <param name="SkippedCases">Cases whose files are not in the folder, with the first missing file.</param>
public sealed record SelfTestReport(IReadOnlyList<TensorCheck> Checks, IReadOnlyList<string> SkippedCases)
{
    /// <summary>The checks that failed.</summary>
    public IReadOnlyList<TensorCheck> Failures => Checks.Where(c => !c.Passed).ToList();

    /// <summary>True when at least one check ran and none failed.</summary>
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
}
