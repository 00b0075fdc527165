using System.Text;
using Vpd.Core.Imaging;
using Vpd.TestSupport;

namespace Vpd.Core.Tests.Imaging;

/// <summary>The product's JPEG decode against libjpeg-turbo's own djpeg (the decoder Pillow wraps), byte for byte.</summary>
public sealed class JpegDecodingTests
{
    private static string Case(string name) => Path.Combine(RepoPaths.Root, "tests", "Vpd.Core.Tests", "Imaging", "JpegCases", name);

    [Theory]
    [InlineData("colour-420")]
    [InlineData("grey")]
    [InlineData("cmyk")]
    [InlineData("progressive")]
    public void LoadRgb_JpegCase_EqualsLibjpegTurboDecode(string name)
    {
        var expected = ReadPnmAsRgb(Case(name + ".pnm"));
        var decoded = ImageFiles.LoadRgb(Case(name + ".jpg"));
        Assert.Equal((expected.Width, expected.Height), (decoded.Width, decoded.Height));
        Assert.Equal(expected.Pixels, decoded.Pixels);
    }

    [Fact]
    public void LoadRgb_ExifOrientation_NotApplied()
    {
        var decoded = ImageFiles.LoadRgb(Case("exif-rotated.jpg"));
        var unrotated = ReadPnmAsRgb(Case("colour-420.pnm"));
        Assert.Equal((48, 32), (decoded.Width, decoded.Height));
        Assert.Equal(unrotated.Pixels, decoded.Pixels);
    }

    [Fact]
    public void LoadRgb_TruncatedJpeg_RefusedNamingFile()
    {
        var path = Case("truncated.jpg");
        var error = Assert.Throws<InvalidDataException>(() => ImageFiles.LoadRgb(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void LoadRgb_JpegLargerThanLimit_RefusedNamingSize()
    {
        var path = Case("colour-420.jpg");
        var error = Assert.Throws<InvalidDataException>(() => ImageFiles.LoadRgb(path, maxSide: 40));
        Assert.Contains("48x32", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void DecodeRgb_JpegHeaderOnly_RefusedNamingSource()
    {
        var header = File.ReadAllBytes(Case("colour-420.jpg"))[..20];
        var error = Assert.Throws<InvalidDataException>(() => ImageFiles.DecodeRgb(header, "inputs/x.jpg"));
        Assert.Contains("inputs/x.jpg", error.Message);
    }

    /// <summary>Binary PNM (P6 RGB or P5 grey, maxval 255) as RGB; grey is replicated, as Pillow's convert("RGB") does.</summary>
    private static RgbImage ReadPnmAsRgb(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var position = 0;
        var fields = new string[4];
        for (var i = 0; i < fields.Length; i++)
        {
            while (char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }
            var start = position;
            while (!char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }
            fields[i] = Encoding.ASCII.GetString(bytes, start, position - start);
        }
        position++;
        Assert.Equal("255", fields[3]);
        var channels = fields[0] switch { "P6" => 3, "P5" => 1, _ => throw new InvalidDataException($"{path}: not binary PNM") };
        var (width, height) = (int.Parse(fields[1]), int.Parse(fields[2]));
        var rgb = new byte[width * height * 3];
        for (var pixel = 0; pixel < width * height; pixel++)
        {
            for (var c = 0; c < 3; c++)
            {
                rgb[(pixel * 3) + c] = bytes[position + (pixel * channels) + (channels == 3 ? c : 0)];
            }
        }
        return new RgbImage(width, height, rgb);
    }
}
