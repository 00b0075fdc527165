namespace Vpd.Core.Masks;

/// <summary>Bounds on mask inputs, so that a malformed annotation fails fast instead of allocating gigabytes.</summary>
internal static class MaskLimits
{
    /// <summary>Largest side accepted for a mask (COCO images are at most 640 px; this leaves room for other data).</summary>
    public const int MaxSide = 16384;

    /// <summary>Largest absolute polygon coordinate: far outside any image, small enough for the API's int arithmetic.</summary>
    public const double MaxCoordinate = 1_000_000;

    public static void CheckSize(int height, int width, string source)
    {
        if (height <= 0 || width <= 0 || height > MaxSide || width > MaxSide)
        {
            throw new InvalidDataException(
                $"{source}: mask size {height}x{width} (height x width) is outside 1..{MaxSide} per side");
        }
    }
}
