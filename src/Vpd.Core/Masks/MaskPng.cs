using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Vpd.Core.Masks;

/// <summary>
/// Binary masks as 1-channel 8-bit PNGs holding 0 (background) and 255 (foreground): the form in
/// which truth masks and predictions are stored. Decoding is strict, because a mask blob is input
/// from outside: the header is checked (format, size, grayscale) before any pixel is decoded, so a
/// small file declaring a huge image cannot exhaust memory.
/// </summary>
public static class MaskPng
{
    private static readonly PngEncoder Encoder = new()
    {
        ColorType = PngColorType.Grayscale,
        BitDepth = PngBitDepth.Bit8,
    };

    public static byte[] Encode(BinaryMask mask)
    {
        var gray = new byte[mask.Pixels.Length];
        for (var i = 0; i < gray.Length; i++)
        {
            gray[i] = mask.Pixels[i] == 0 ? (byte)0 : (byte)255;
        }
        using var image = Image.LoadPixelData<L8>(gray, mask.Width, mask.Height);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, Encoder);
        return stream.ToArray();
    }

    /// <summary>
    /// Decodes a mask PNG of exactly <paramref name="expectedWidth"/> x <paramref name="expectedHeight"/>.
    /// </summary>
    /// <param name="source">Where the bytes came from (path or blob name), quoted in every error.</param>
    /// <exception cref="InvalidDataException">Not a PNG, wrong size, not grayscale, or a pixel other than 0/255.</exception>
    public static BinaryMask Decode(byte[] png, int expectedWidth, int expectedHeight, string source)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expectedWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expectedHeight);
        var info = Identify(png, source);
        if (info.Width != expectedWidth || info.Height != expectedHeight)
        {
            throw new InvalidDataException(
                $"mask {source} is {info.Width}x{info.Height}, expected {expectedWidth}x{expectedHeight}");
        }
        var colorType = info.Metadata.GetPngMetadata().ColorType;
        if (colorType is not PngColorType.Grayscale)
        {
            throw new InvalidDataException($"mask {source} is a {colorType} PNG, expected single-channel grayscale");
        }
        using var image = LoadPixels(png, source);
        var gray = new byte[expectedWidth * expectedHeight];
        image.CopyPixelDataTo(gray);
        var pixels = new byte[gray.Length];
        for (var i = 0; i < gray.Length; i++)
        {
            pixels[i] = gray[i] switch
            {
                0 => 0,
                255 => 1,
                _ => throw new InvalidDataException(
                    $"mask {source} has value {gray[i]} at x={i % expectedWidth}, y={i / expectedWidth}; only 0 and 255 are allowed"),
            };
        }
        return new BinaryMask(expectedWidth, expectedHeight, pixels);
    }

    private static IImageInfo Identify(byte[] png, string source)
    {
        IImageInfo? info;
        SixLabors.ImageSharp.Formats.IImageFormat? format;
        try
        {
            info = Image.Identify(png, out format);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException)
        {
            throw new InvalidDataException($"mask {source} is not a readable PNG: {e.Message}", e);
        }
        if (info is null || format is not PngFormat)
        {
            throw new InvalidDataException($"mask {source} is not a PNG ({format?.Name ?? "unknown format"})");
        }
        return info;
    }

    private static Image<L8> LoadPixels(byte[] png, string source)
    {
        try
        {
            return Image.Load<L8>(png);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException)
        {
            throw new InvalidDataException($"mask {source} is not a readable PNG: {e.Message}", e);
        }
    }
}
