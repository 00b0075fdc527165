namespace Vpd.Tools.SelfTest;

/// <summary>
/// Runs every reference case found in a folder of the golden format (tokenizer, CLIP, VAE encoder, UNet,
/// VPDRefer plain and noised, VPDRefer in bfloat16, the VPD .pth checkpoint, COCO masks, the RefCOCO-layout reader) and reports each compared value against
/// the golden README's tolerances. A case whose files are absent is skipped and reported as such; a case that
/// throws becomes one failed check carrying the message.
/// </summary>
public static class GoldenSelfTest
{
    /// <summary>The cases in the order they run (cheapest first).</summary>
    public static IReadOnlyList<ISelfTestCase> Cases { get; } =
    [
        new TokenizerCase(), new CocoMaskCase(), new ReferTinyCase(), new ClipCase(), new VaeEncoderCase(), new UnetCase(), new VpdReferCase(), new BFloat16Case(), new PthCheckpointCase(),
    ];

    /// <summary>Runs the cases in <paramref name="goldenDir"/>; <paramref name="progress"/> receives each check as it is made.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds none of the golden files.</exception>
    public static SelfTestReport Run(string goldenDir, Action<TensorCheck>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(goldenDir))
        {
            throw new DirectoryNotFoundException($"golden folder not found: {goldenDir}");
        }
        var checks = new List<TensorCheck>();
        var skipped = new List<string>();
        foreach (var testCase in Cases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var missing = testCase.Files.FirstOrDefault(f => !File.Exists(Path.Combine(goldenDir, f)));
            if (missing is not null)
            {
                skipped.Add($"{testCase.Name} (no {missing})");
                continue;
            }
            IReadOnlyList<TensorCheck> results;
            try
            {
                results = testCase.Run(goldenDir);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or FormatException
                or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or Vpd.Model.Checkpoints.StateDictMismatchException)
            {
                results = [new TensorCheck(testCase.Name, "(case)", false, Detail: $"{e.GetType().Name}: {e.Message}")];
            }
            foreach (var check in results)
            {
                progress?.Invoke(check);
                checks.Add(check);
            }
        }
        if (checks.Count == 0)
        {
            throw new InvalidDataException($"{goldenDir}: none of the golden files is there (skipped: {string.Join("; ", skipped)})");
        }
        return new SelfTestReport(checks, skipped);
    }
}
