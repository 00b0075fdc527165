using System.Text.Json;
using Vpd.Core.Imaging;
using Vpd.Core.Refer;

namespace Vpd.Model.SelfTest;

/// <summary>
/// <c>refer_tiny/</c>: the RefCOCO-layout reader's truth masks at original size and nearest-resized to 32x32,
/// against the reference loader (<c>expected.json</c>).
/// </summary>
public sealed class ReferTinyCase : ISelfTestCase
{
    public string Name => "refer_tiny";

    public IReadOnlyList<string> Files { get; } = ["refer_tiny/expected.json", "refer_tiny/refcoco/refs(unc).p", "refer_tiny/refcoco/instances.json"];

    public IReadOnlyList<TensorCheck> Run(string goldenDir)
    {
        var root = Path.Combine(goldenDir, "refer_tiny");
        var dataset = ReferDataset.Load(root, "refcoco");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(goldenDir, Files[0])));
        var refs = doc.RootElement.GetProperty("refs").EnumerateArray().ToList();
        var truthFailures = new List<string>();
        var resizedFailures = new List<string>();
        foreach (var item in refs)
        {
            var refId = item.GetProperty("ref_id").GetInt64();
            var mask = dataset.TruthMask(refId);
            if (!mask.Pixels.SequenceEqual(Digits(item, "truth_rowmajor")))
            {
                truthFailures.Add($"ref {refId}");
            }
            var side = (int)Math.Round(Math.Sqrt(Digits(item, "truth_32x32_rowmajor").Length));
            if (!EvalTransform.ResizeTruth(mask, side).Pixels.SequenceEqual(Digits(item, "truth_32x32_rowmajor")))
            {
                resizedFailures.Add($"ref {refId}");
            }
        }
        return [Summary("truth_rowmajor", refs.Count, truthFailures), Summary("truth_32x32_rowmajor", refs.Count, resizedFailures)];
    }

    private static byte[] Digits(JsonElement item, string name) => [.. (item.GetProperty(name).GetString() ?? "").Select(ch => (byte)(ch - '0'))];

    private TensorCheck Summary(string name, int count, List<string> failures) =>
        TensorCheck.Exact(Name, name, count > 0 && failures.Count == 0,
            count == 0 ? "no refs in expected.json"
            : failures.Count == 0 ? $"{count} refs bit-exact"
            : $"{failures.Count} of {count} differ: {string.Join(", ", failures.Take(5))}");
}
