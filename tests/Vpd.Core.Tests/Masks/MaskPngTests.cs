using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Masks;

namespace Vpd.Core.Tests.Masks;

public sealed class MaskPngTests
{
    private static BinaryMask Diagonal(int width, int height)
    {
        var mask = new BinaryMask(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                mask.Pixels[(y * width) + x] = (byte)(x >= y ? 1 : 0);
            }
        }
        return mask;
    }

    [Fact]
    public void Encode_ThenDecode_ReturnsSamePixels()
    {
        var mask = Diagonal(7, 5);

        var decoded = MaskPng.Decode(MaskPng.Encode(mask), 7, 5, "test.png");

        Assert.Equal(mask.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Encode_Mask_IsEightBitGrayscaleWithValues0And255()
    {
        var png = MaskPng.Encode(Diagonal(4, 4));

        var info = Image.Identify(png, out var format);
        Assert.IsType<PngFormat>(format);
        Assert.Equal(PngColorType.Grayscale, info.Metadata.GetPngMetadata().ColorType);
        Assert.Equal(PngBitDepth.Bit8, info.Metadata.GetPngMetadata().BitDepth);
        using var image = Image.Load<L8>(png);
        Assert.Equal(255, image[3, 0].PackedValue);
        Assert.Equal(0, image[0, 3].PackedValue);
    }

    [Fact]
    public void Decode_WrongSize_ThrowsNamingSourceAndSizes()
    {
        var e = Assert.Throws<InvalidDataException>(() => MaskPng.Decode(MaskPng.Encode(Diagonal(8, 8)), 16, 16, "truth/r1.png"));
        Assert.Contains("truth/r1.png", e.Message);
        Assert.Contains("8x8", e.Message);
        Assert.Contains("16x16", e.Message);
    }

    [Fact]
    public void Decode_HeaderDeclaringHugeImage_RejectedBeforeDecoding()
    {
        var png = MaskPng.Encode(Diagonal(2, 2));
        // IHDR data starts at byte 16 (8 signature + 4 length + 4 type): width, height, then its CRC.
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 50_000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 50_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), PngCrc(png.AsSpan(12, 17)));

        var e = Assert.Throws<InvalidDataException>(() => MaskPng.Decode(png, 2, 2, "bomb.png"));
        Assert.Contains("50000x50000", e.Message);
    }

    [Fact]
    public void Decode_RgbPng_Rejected()
    {
        using var image = new Image<Rgb24>(4, 4);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = PngColorType.Rgb });

        var e = Assert.Throws<InvalidDataException>(() => MaskPng.Decode(stream.ToArray(), 4, 4, "rgb.png"));
        Assert.Contains("rgb.png", e.Message);
        Assert.Contains("grayscale", e.Message);
    }

    [Fact]
    public void Decode_GrayValueOtherThan0Or255_Rejected()
    {
        using var image = new Image<L8>(3, 3);
        image[1, 2] = new L8(128);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit8 });

        var e = Assert.Throws<InvalidDataException>(() => MaskPng.Decode(stream.ToArray(), 3, 3, "gray.png"));
        Assert.Contains("128", e.Message);
        Assert.Contains("x=1, y=2", e.Message);
    }

    [Fact]
    public void Decode_OneBitGrayscale_Accepted()
    {
        using var image = new Image<L8>(5, 2);
        image[4, 1] = new L8(255);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit1 });

        var mask = MaskPng.Decode(stream.ToArray(), 5, 2, "bit1.png");

        Assert.Equal(1, mask.Area);
        Assert.True(mask[4, 1]);
    }

    [Fact]
    public void Decode_Jpeg_Rejected()
    {
        using var image = new Image<L8>(4, 4);
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);

        var e = Assert.Throws<InvalidDataException>(() => MaskPng.Decode(stream.ToArray(), 4, 4, "mask.jpg"));
        Assert.Contains("not a PNG", e.Message);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 })]
    public void Decode_NotAnImage_Rejected(byte[] bytes)
    {
        var e = Assert.Throws<InvalidDataException>(() => MaskPng.Decode(bytes, 4, 4, "junk.png"));
        Assert.Contains("junk.png", e.Message);
    }

    [Fact]
    public void Decode_TruncatedPng_Rejected()
    {
        var png = MaskPng.Encode(Diagonal(32, 32));

        var e = Assert.Throws<InvalidDataException>(() => MaskPng.Decode(png[..(png.Length / 2)], 32, 32, "cut.png"));
        Assert.Contains("cut.png", e.Message);
    }

    /// <summary>The CRC-32 a PNG chunk carries (over chunk type and data), to forge a consistent header.</summary>
    private static uint PngCrc(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }
}
