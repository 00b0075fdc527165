using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// Decodes input images (JPEG or PNG from the inputs container) with their size checked from the
/// header before any pixel is decoded, and a bounded allocator, so a small file declaring a huge
/// image cannot exhaust a worker's memory.
/// </summary>
public static class InputImages
{
    /// <summary>The largest width or height accepted (COCO images are at most 640).</summary>
    public const int MaxSide = 8192;

    private static readonly Configuration Bounded = CreateConfiguration();

    /// <param name="source">Where the bytes came from (blob name or path), quoted in errors.</param>
    /// <exception cref="InvalidDataException">Not a readable image, or larger than <see cref="MaxSide"/>.</exception>
    public static Image<Rgb24> DecodeRgb(byte[] bytes, string source)
    {
        IImageInfo? info;
        try
        {
            info = Image.Identify(Bounded, bytes, out _);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException)
        {
            throw new InvalidDataException($"image {source} is not a readable image: {e.Message}", e);
        }
        if (info is null)
        {
            throw new InvalidDataException($"image {source} is not an image of a known format ({bytes.Length} bytes)");
        }
        if (info.Width > MaxSide || info.Height > MaxSide || info.Width < 1 || info.Height < 1)
        {
            throw new InvalidDataException($"image {source} is {info.Width}x{info.Height}; the largest accepted side is {MaxSide}");
        }
        try
        {
            return Image.Load<Rgb24>(Bounded, bytes);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or InvalidMemoryOperationException)
        {
            throw new InvalidDataException($"image {source} is not a readable image: {e.Message}", e);
        }
    }

    private static Configuration CreateConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        // MaxSide^2 RGB pixels is 192 MiB; leave room for the decoder's own buffers.
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = 512 });
        return configuration;
    }
}
