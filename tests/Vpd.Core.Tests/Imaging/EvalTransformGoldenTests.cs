using Vpd.Core.Imaging;
using Vpd.Core.Refer;
using Vpd.Core.Tests.Refer;
using Xunit.Abstractions;

namespace Vpd.Core.Tests.Imaging;

public sealed class EvalTransformGoldenTests(ITestOutputHelper output)
{
    /// <summary>
    /// The golden bytes are the reference's own: each JPEG file decoded by Pillow (libjpeg-turbo) and resized to
    /// 32x32 with its antialiased bilinear filter. Decoder and filter both match it, so every value lands within
    /// one grey level (the filter's float rounding may differ by one).
    /// </summary>
    [SkippableFact]
    public void ResizeImage_EveryGoldenImage_EveryValueWithinOneGreyLevelOfPillow()
    {
        var dataset = ReferDataset.Load(ReferTinyGolden.Root, "refcoco");
        using var expected = ReferTinyGolden.Expected();
        var images = expected.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.NotEmpty(images);
        foreach (var item in images)
        {
            var imageId = ReferTinyGolden.Id(item, "image_id");
            var reference = item.GetProperty("image_32x32_rgb_uint8").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var resized = EvalTransform.ResizeImage(ImageFiles.LoadRgb(dataset.ImagePath(imageId)), 32);
            Assert.Equal(reference.Length, resized.Pixels.Length);
            var differences = reference.Zip(resized.Pixels, (a, b) => Math.Abs(a - b)).ToArray();
            output.WriteLine($"image {imageId}: {differences.Count(d => d > 0)} values differ, max {differences.Max()}");
            Assert.All(differences, d => Assert.InRange(d, 0, 1));
        }
    }

    [SkippableFact]
    public void LoadImage_GoldenImage_IsChwInMinusOneToOne()
    {
        var dataset = ReferDataset.Load(ReferTinyGolden.Root, "refcoco");
        var sample = dataset.Samples(dataset.Splits[0])[0];
        var rgb = EvalTransform.ResizeImage(ImageFiles.LoadRgb(sample.ImagePath), 16);
        var input = EvalTransform.LoadImage(sample.ImagePath, 16);
        Assert.Equal(3 * 16 * 16, input.Length);
        // Channel c of pixel (x, y) sits at c*S*S + y*S + x.
        for (var i = 0; i < 16 * 16; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal((rgb.Pixels[(i * 3) + c] / 255f * 2f) - 1f, input[(c * 256) + i], 5);
            }
        }
        Assert.All(input, v => Assert.InRange(v, -1f, 1f));
    }
}
