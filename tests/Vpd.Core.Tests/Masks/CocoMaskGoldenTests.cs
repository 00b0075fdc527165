using System.Text.Json;
using Vpd.Core.Masks;
using Vpd.TestSupport;

namespace Vpd.Core.Tests.Masks;

/// <summary>Every case of ../golden/coco_masks.json, produced by the COCO mask API itself.</summary>
public sealed class CocoMaskGoldenTests
{
    [SkippableFact]
    public void SummedPolygons_EveryGoldenCase_MatchesCocoApiBitExactly()
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(RepoPaths.Golden("coco_masks.json")));
        var cases = golden.RootElement.GetProperty("polygon_cases").EnumerateArray().ToList();
        Assert.NotEmpty(cases);
        var failures = new List<string>();
        for (var c = 0; c < cases.Count; c++)
        {
            var h = cases[c].GetProperty("h").GetInt32();
            var w = cases[c].GetProperty("w").GetInt32();
            var polygons = cases[c].GetProperty("polygons").EnumerateArray()
                .Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
            var expected = cases[c].GetProperty("summed_mask_rowmajor").GetString()!;
            var sums = CocoMask.SummedPolygons(polygons, h, w, $"case {c}");
            var actual = string.Concat(sums.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (actual != expected)
            {
                failures.Add($"case {c} ({h}x{w}, {polygons.Count} polygons): {CountDifferences(actual, expected)} pixels differ");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public void FromPolygons_EveryGoldenCase_IsForegroundExactlyWhereSumIsOne()
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(RepoPaths.Golden("coco_masks.json")));
        foreach (var item in golden.RootElement.GetProperty("polygon_cases").EnumerateArray())
        {
            var h = item.GetProperty("h").GetInt32();
            var w = item.GetProperty("w").GetInt32();
            var polygons = item.GetProperty("polygons").EnumerateArray()
                .Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
            var expected = item.GetProperty("summed_mask_rowmajor").GetString()!.Select(ch => ch == '1' ? (byte)1 : (byte)0).ToArray();
            var mask = CocoMask.FromPolygons(polygons, h, w, "golden");
            Assert.Equal(w, mask.Width);
            Assert.Equal(h, mask.Height);
            Assert.Equal(expected, mask.Pixels);
        }
    }

    [SkippableFact]
    public void FromCompressedRle_EveryGoldenCase_MatchesCocoApiBitExactly()
    {
        using var golden = JsonDocument.Parse(File.ReadAllText(RepoPaths.Golden("coco_masks.json")));
        var cases = golden.RootElement.GetProperty("rle_cases").EnumerateArray().ToList();
        Assert.NotEmpty(cases);
        foreach (var item in cases)
        {
            var h = item.GetProperty("h").GetInt32();
            var w = item.GetProperty("w").GetInt32();
            var mask = CocoMask.FromCompressedRle(item.GetProperty("counts").GetString()!, h, w, "golden");
            var expected = item.GetProperty("mask_rowmajor").GetString()!.Select(ch => (byte)(ch - '0')).ToArray();
            Assert.Equal(expected, mask.Pixels);
        }
    }

    private static int CountDifferences(string a, string b) =>
        a.Length != b.Length ? Math.Max(a.Length, b.Length) : a.Zip(b).Count(p => p.First != p.Second);
}
