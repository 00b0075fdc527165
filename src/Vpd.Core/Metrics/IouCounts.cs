using Vpd.Core.Masks;

namespace Vpd.Core.Metrics;

/// <summary>Intersection and union pixel counts of one prediction against its truth.</summary>
public readonly record struct IouCounts(long Intersection, long Union)
{
    /// <summary>I / U, computed in double exactly as the reference does; 0 when the union is empty.</summary>
    public double Iou => Union == 0 ? 0.0 : (double)Intersection / Union;

    public static IouCounts Compute(BinaryMask predicted, BinaryMask truth)
    {
        if (predicted.Width != truth.Width || predicted.Height != truth.Height)
        {
            throw new ArgumentException(
                $"prediction is {predicted.Width}x{predicted.Height} but truth is {truth.Width}x{truth.Height}; IoU needs equal sizes",
                nameof(predicted));
        }
        long intersection = 0, union = 0;
        var p = predicted.Pixels;
        var t = truth.Pixels;
        for (var i = 0; i < p.Length; i++)
        {
            intersection += p[i] & t[i];
            union += p[i] | t[i];
        }
        return new IouCounts(intersection, union);
    }
}
