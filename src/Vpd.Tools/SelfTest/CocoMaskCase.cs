using System.Globalization;
using System.Text.Json;
using Vpd.Core.Masks;

namespace Vpd.Tools.SelfTest;

/// <summary><c>coco_masks.json</c>: polygon rasterisation and compressed RLE decoding against the COCO mask API.</summary>
public sealed class CocoMaskCase : ISelfTestCase
{
    public string Name => "coco_masks";

    public IReadOnlyList<string> Files { get; } = ["coco_masks.json"];

    public IReadOnlyList<TensorCheck> Run(string goldenDir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(goldenDir, Files[0])));
        var polygonCases = doc.RootElement.GetProperty("polygon_cases").EnumerateArray().ToList();
        var polygonFailures = new List<string>();
        for (var i = 0; i < polygonCases.Count; i++)
        {
            var c = polygonCases[i];
            var (h, w) = (c.GetProperty("h").GetInt32(), c.GetProperty("w").GetInt32());
            var polygons = c.GetProperty("polygons").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
            var sums = CocoMask.SummedPolygons(polygons, h, w, $"polygon case {i}");
            var actual = string.Concat(sums.Select(s => s.ToString(CultureInfo.InvariantCulture)));
            if (actual != c.GetProperty("summed_mask_rowmajor").GetString())
            {
                polygonFailures.Add($"case {i}");
            }
        }
        var rleCases = doc.RootElement.GetProperty("rle_cases").EnumerateArray().ToList();
        var rleFailures = new List<string>();
        for (var i = 0; i < rleCases.Count; i++)
        {
            var c = rleCases[i];
            var mask = CocoMask.FromCompressedRle(c.GetProperty("counts").GetString() ?? "", c.GetProperty("h").GetInt32(), c.GetProperty("w").GetInt32(), $"rle case {i}");
            var expected = (c.GetProperty("mask_rowmajor").GetString() ?? "").Select(ch => (byte)(ch - '0'));
            if (!mask.Pixels.SequenceEqual(expected))
            {
                rleFailures.Add($"case {i}");
            }
        }
        return [Summary("polygon_cases", polygonCases.Count, polygonFailures), Summary("rle_cases", rleCases.Count, rleFailures)];
    }

    private TensorCheck Summary(string name, int count, List<string> failures) =>
        TensorCheck.Exact(Name, name, count > 0 && failures.Count == 0,
            count == 0 ? "no cases in the file"
            : failures.Count == 0 ? $"{count} cases bit-exact"
            : $"{failures.Count} of {count} differ: {string.Join(", ", failures.Take(5))}");
}
