using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace Vpd.Core.Imaging;

/// <summary>
/// Reads image files with their size bounded before decoding. JPEG files, what every RefCOCO image and every
/// RefShapes image is, are decoded as the reference decodes them (<see cref="PillowJpeg"/>); other formats
/// through ImageSharp, which has no decompression-bomb limit of its own (a 76 KB PNG can declare 20000x20000
/// pixels), so the header is identified first and anything larger than the limit is refused, naming the file.
/// </summary>
public static class ImageFiles
{
    /// <summary>The default largest side accepted (COCO images are at most 640 px).</summary>
    public const int DefaultMaxSide = 8192;

    // A second line of defence should a header lie about the size: no single decode may allocate more.
    private static readonly Configuration BoundedConfiguration = CreateConfiguration();

    /// <summary>Decodes <paramref name="path"/> to RGB, refusing sides over <paramref name="maxSide"/>.</summary>
    public static RgbImage LoadRgb(string path, int maxSide = DefaultMaxSide)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"image file not found: {path}", path);
        }
        return DecodeRgb(File.ReadAllBytes(path), path, maxSide);
    }

    /// <summary>
    /// Decodes encoded image bytes to RGB (greyscale replicated, CMYK converted, alpha dropped), refusing sides
    /// over <paramref name="maxSide"/> from the header before any pixel is decoded, and truncated JPEG data.
    /// <paramref name="source"/> (a path or blob name) is quoted in errors.
    /// </summary>
    /// <exception cref="InvalidDataException">Not an image, too large, corrupt or truncated.</exception>
    public static RgbImage DecodeRgb(byte[] bytes, string source, int maxSide = DefaultMaxSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        return PillowJpeg.IsJpeg(bytes) ? PillowJpeg.Decode(bytes, source, maxSide) : DecodeWithImageSharp(bytes, source, maxSide);
    }

    /// <summary>
    /// ImageSharp's decoder for any format it reads. The product uses it for everything but JPEG: on JPEG its chroma
    /// upsampling differs from libjpeg-turbo's by up to 79 grey levels at colour edges. Public so that
    /// <c>vpd bench decode</c> can time the two JPEG paths against each other.
    /// </summary>
    public static RgbImage DecodeWithImageSharp(byte[] bytes, string source, int maxSide = DefaultMaxSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        try
        {
            var info = Image.Identify(BoundedConfiguration, bytes, out _)
                ?? throw new InvalidDataException($"{source}: not an image in a format this product reads");
            CheckSize(info.Width, info.Height, maxSide, source);
            using var image = Image.Load<Rgb24>(BoundedConfiguration, bytes);
            var pixels = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(pixels);
            return new RgbImage(image.Width, image.Height, pixels);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException
                                     or InvalidMemoryOperationException)
        {
            throw new InvalidDataException($"{source}: cannot decode image: {e.Message}", e);
        }
    }

    /// <exception cref="InvalidDataException">A side is not within 1..<paramref name="maxSide"/>.</exception>
    internal static void CheckSize(int width, int height, int maxSide, string source)
    {
        if (width <= 0 || height <= 0 || width > maxSide || height > maxSide)
        {
            throw new InvalidDataException(
                $"{source}: image is {width}x{height}, outside the accepted 1..{maxSide} pixels per side");
        }
    }

    private static Configuration CreateConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = 1024 });
        return configuration;
    }
}
