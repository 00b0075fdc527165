using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Imaging;
using Vpd.TestSupport;

namespace Vpd.Core.Tests.Imaging;

public sealed class ImageFilesTests
{
    [Fact]
    public void LoadRgb_MissingFile_ErrorNamesPath()
    {
        using var temp = new TempDir();
        var path = temp.File("nothing.jpg");
        var error = Assert.Throws<FileNotFoundException>(() => EvalTransform.LoadImage(path, 32));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void LoadRgb_LargerThanLimit_RefusedBeforeDecodingNamingPath()
    {
        using var temp = new TempDir();
        var path = temp.File("wide.png");
        using (var image = new Image<Rgb24>(120, 10))
        {
            image.SaveAsPng(path);
        }
        var error = Assert.Throws<InvalidDataException>(() => ImageFiles.LoadRgb(path, maxSide: 100));
        Assert.Contains(path, error.Message);
        Assert.Contains("120x10", error.Message);
        Assert.Equal(120, ImageFiles.LoadRgb(path, maxSide: 120).Width);
    }

    [Fact]
    public void LoadRgb_NotAnImage_ErrorNamesPath()
    {
        using var temp = new TempDir();
        var path = temp.File("garbage.jpg");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))]);
        var error = Assert.Throws<InvalidDataException>(() => ImageFiles.LoadRgb(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void LoadRgb_PngPixels_ComeBackRowMajorRgb()
    {
        using var temp = new TempDir();
        var path = temp.File("two.png");
        using (var image = new Image<Rgb24>(2, 1))
        {
            image[0, 0] = new Rgb24(10, 20, 30);
            image[1, 0] = new Rgb24(40, 50, 60);
            image.SaveAsPng(path);
        }
        Assert.Equal(new byte[] { 10, 20, 30, 40, 50, 60 }, ImageFiles.LoadRgb(path).Pixels);
    }
}
