using System.Runtime.InteropServices;
using SkiaSharp;

namespace Vpd.Core.Imaging;

/// <summary>
/// Decodes JPEG files to the pixels the reference loader sees: Pillow's <c>Image.open(path).convert("RGB")</c>,
/// which is libjpeg-turbo with the ISLOW inverse DCT and fancy chroma upsampling. Skia decodes through the same
/// library with the same defaults, so the result is bit-identical (docs/faithfulness.md). Greyscale files come back
/// with the grey value in all three channels and CMYK files through the inverted (Adobe) CMYK rule, as Pillow
/// converts them; neither EXIF orientation nor an embedded colour profile is applied, as Pillow applies neither.
/// A file that ends before its last scan is refused, as Pillow refuses it.
/// </summary>
internal static class PillowJpeg
{
    /// <summary>Every JPEG stream starts with SOI followed by another marker.</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> bytes) => bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

    /// <exception cref="InvalidDataException">Not a decodable JPEG, larger than <paramref name="maxSide"/>, or truncated.</exception>
    public static RgbImage Decode(byte[] bytes, string source, int maxSide)
    {
        // From native memory rather than a managed stream: Skia then reads without calling back into .NET.
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException($"{source}: cannot decode JPEG: {WhyNotOpened(bytes)}");
        // The header alone gives the size: nothing is decoded before the bound is checked.
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        ImageFiles.CheckSize(width, height, maxSide, source);

        // No colour space on the target: Skia then converts no colour profile, as Pillow does not.
        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = GC.AllocateUninitializedArray<byte>(checked(width * height * 4));
        var pinned = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult decoded;
        try
        {
            decoded = codec.GetPixels(target, pinned.AddrOfPinnedObject());
        }
        finally
        {
            pinned.Free();
        }
        if (decoded != SKCodecResult.Success)
        {
            throw new InvalidDataException($"{source}: cannot decode JPEG: {Describe(decoded)}");
        }

        var rgb = GC.AllocateUninitializedArray<byte>(width * height * 3);
        for (int pixel = 0, from = 0, to = 0; pixel < width * height; pixel++, from += 4, to += 3)
        {
            rgb[to] = rgba[from];
            rgb[to + 1] = rgba[from + 1];
            rgb[to + 2] = rgba[from + 2];
        }
        return new RgbImage(width, height, rgb);
    }

    /// <summary>Skia's reason for refusing a file, which only its stream overload reports.</summary>
    private static string WhyNotOpened(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var codec = SKCodec.Create(stream, out var result);
        return Describe(result);
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file is truncated (its data ends before the image is complete)",
        SKCodecResult.ErrorInInput => "the compressed data is corrupt",
        SKCodecResult.Unimplemented => "this JPEG variant is not supported",
        _ => $"decoder result {result}",
    };
}
