namespace Vpd.Core.Masks;

/// <summary>
/// A binary mask, row-major, one byte per pixel holding 0 (background) or 1 (foreground).
/// The common currency of ground truth, predictions, PNG files and metrics.
/// </summary>
public sealed class BinaryMask
{
    public BinaryMask(int width, int height)
        : this(width, height, new byte[checked(width * height)])
    {
    }

    /// <summary>Wraps <paramref name="pixels"/> (row-major, values 0 or 1) without copying.</summary>
    public BinaryMask(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != (long)width * height)
        {
            throw new ArgumentException($"mask of {width}x{height} needs {(long)width * height} pixels, got {pixels.Length}", nameof(pixels));
        }
        foreach (var value in pixels)
        {
            if (value > 1)
            {
                throw new ArgumentException($"mask pixels must be 0 or 1, found {value}", nameof(pixels));
            }
        }
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row-major pixels, 0 or 1; index = y * Width + x.</summary>
    public byte[] Pixels { get; }

    public bool this[int x, int y] => Pixels[(y * Width) + x] != 0;

    /// <summary>Number of foreground pixels.</summary>
    public long Area
    {
        get
        {
            long area = 0;
            foreach (var value in Pixels)
            {
                area += value;
            }
            return area;
        }
    }
}
