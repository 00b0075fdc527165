namespace Vpd.Reports.Drawing;

/// <summary>An opaque 8-bit colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>CSS form, <c>#rrggbb</c>.</summary>
    public string ToHex() => $"#{R:x2}{G:x2}{B:x2}";
}
