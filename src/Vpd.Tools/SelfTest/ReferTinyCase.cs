using System.Text.Json;
using Vpd.Core.Imaging;
using Vpd.Core.Refer;

namespace Vpd.Tools.SelfTest;

/// <summary>
/// <c>refer_tiny/</c>: the RefCOCO-layout reader's truth masks at original size and nearest-resized to 32x32, and
/// each JPEG image decoded and bilinear-resized to 32x32, against the reference loader (<c>expected.json</c>): the
/// whole image path a host runs before the model, JPEG decoder included.
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
        return [
            Summary("truth_rowmajor", refs.Count, truthFailures),
            Summary("truth_32x32_rowmajor", refs.Count, resizedFailures),
            CheckImages(dataset, doc.RootElement.GetProperty("images").EnumerateArray().ToList()),
        ];
    }

    /// <summary>Every value within one grey level: the bilinear filter's float rounding may differ by one, a decoder by far more.</summary>
    private TensorCheck CheckImages(ReferDataset dataset, IReadOnlyList<JsonElement> images)
    {
        var failures = new List<string>();
        var worst = 0;
        foreach (var item in images)
        {
            var imageId = item.GetProperty("image_id").GetInt64();
            var reference = item.GetProperty("image_32x32_rgb_uint8").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var resized = EvalTransform.ResizeImage(ImageFiles.LoadRgb(dataset.ImagePath(imageId)), 32).Pixels;
            var largest = resized.Length == reference.Length ? reference.Zip(resized, (a, b) => Math.Abs(a - b)).Max() : int.MaxValue;
            worst = Math.Max(worst, largest);
            if (largest > 1)
            {
                failures.Add($"image {imageId} (max {(largest == int.MaxValue ? "size differs" : largest)})");
            }
        }
        return images.Count > 0 && failures.Count == 0
            ? TensorCheck.Exact(Name, "image_32x32_rgb_uint8", true, $"{images.Count} images decoded and resized, every value within 1 level (max {worst})")
            : Summary("image_32x32_rgb_uint8", images.Count, failures);
    }

    private static byte[] Digits(JsonElement item, string name) => [.. (item.GetProperty(name).GetString() ?? "").Select(ch => (byte)(ch - '0'))];

    private TensorCheck Summary(string name, int count, List<string> failures) =>
        TensorCheck.Exact(Name, name, count > 0 && failures.Count == 0,
            count == 0 ? "no refs in expected.json"
            : failures.Count == 0 ? $"{count} refs bit-exact"
            : $"{failures.Count} of {count} differ: {string.Join(", ", failures.Take(5))}");
}
