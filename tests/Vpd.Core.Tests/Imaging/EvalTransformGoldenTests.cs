using Vpd.Core.Imaging;
using Vpd.Core.Refer;
using Vpd.Core.Tests.Refer;
using Xunit.Abstractions;

namespace Vpd.Core.Tests.Imaging;

public sealed class EvalTransformGoldenTests(ITestOutputHelper output)
{
    /// <summary>
    /// The golden 32x32 bytes do not come from decoding these JPEG files: where the decoded file
    /// has chroma ringing of +-6 levels around the shapes (libjpeg-turbo, as Pillow uses it, and
    /// ImageSharp agree on that), the golden bytes are a flat 128. Decoding the files with
    /// libjpeg-turbo and resizing with an independent port of Pillow's filter gives the same
    /// picture as this code: a mean difference of 1.2-1.9 levels and a maximum of 40-47 at the
    /// shapes' edges. The golden bytes hold only 31-63 distinct colours per image, 78-89% of the
    /// pixels exactly (128, 128, 128) and the rest largely exact palette colours such as
    /// (220, 30, 30) and (230, 210, 30), while the decoded 48x64..64x48 files hold 488-675 colours:
    /// they were resized from the drawn pixels before JPEG compression. No decoder of these files
    /// can meet a per-pixel bound, and a sub-pixel shift or the non-antialiased filter only fits
    /// worse (measured in session 2), so the bound is on the mean difference per image and the
    /// maximum is printed.
    /// </summary>
    private const double MaxMeanGreyLevelDifference = 3;

    [SkippableFact]
    public void ResizeImage_EveryGoldenImage_MeanWithinThreeGreyLevelsOfPilBilinear()
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
            output.WriteLine($"image {imageId}: mean difference {differences.Average():F2}, max {differences.Max()}");
            Assert.InRange(differences.Average(), 0, MaxMeanGreyLevelDifference);
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
