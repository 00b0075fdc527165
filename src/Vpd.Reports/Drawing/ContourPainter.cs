using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Reports.Figures;

namespace Vpd.Reports.Drawing;

/// <summary>
/// Paints the truth and prediction contours onto a picture whose size equals the masks'. Every pixel of a
/// contour band (<see cref="MaskBoundary.Of"/>) gets exactly its colour: truth, prediction, or the "both" colour
/// where the two bands meet. A one-pixel dark edge (the band's inner neighbours and the pixels just outside
/// the mask) is painted first, so a red contour stays visible on a red object; it never covers a band pixel.
/// </summary>
internal static class ContourPainter
{
    public static void Paint(RgbImage picture, BinaryMask? truth, BinaryMask? prediction, FigureStyle style)
    {
        var truthBand = Band(picture, truth, style.ContourWidth);
        var predictionBand = Band(picture, prediction, style.ContourWidth);
        if (style.ContourEdge is { } edge)
        {
            PaintEdge(picture, truth, style.ContourWidth, edge);
            PaintEdge(picture, prediction, style.ContourWidth, edge);
        }
        var pixels = picture.Pixels;
        for (var p = 0; p < picture.Width * picture.Height; p++)
        {
            var inTruth = truthBand is not null && truthBand.Pixels[p] != 0;
            var inPrediction = predictionBand is not null && predictionBand.Pixels[p] != 0;
            if (inTruth || inPrediction)
            {
                Set(pixels, p, inTruth && inPrediction ? style.BothColour : inTruth ? style.TruthColour : style.PredictionColour);
            }
        }
    }

    private static BinaryMask? Band(RgbImage picture, BinaryMask? mask, int width)
    {
        if (mask is null)
        {
            return null;
        }
        if (mask.Width != picture.Width || mask.Height != picture.Height)
        {
            throw new ArgumentException($"mask is {mask.Width}x{mask.Height} but the picture is {picture.Width}x{picture.Height}");
        }
        return MaskBoundary.Of(mask, width);
    }

    // The edge: pixels just outside the mask, and the mask pixels one step beyond the band (inner edge).
    private static void PaintEdge(RgbImage picture, BinaryMask? mask, int width, Rgb colour)
    {
        if (mask is null)
        {
            return;
        }
        var outside = MaskBoundary.Outside(mask);
        var widerBand = MaskBoundary.Of(mask, width + 1);
        var band = MaskBoundary.Of(mask, width);
        for (var p = 0; p < outside.Pixels.Length; p++)
        {
            if (outside.Pixels[p] != 0 || (widerBand.Pixels[p] != 0 && band.Pixels[p] == 0))
            {
                Set(picture.Pixels, p, colour);
            }
        }
    }

    private static void Set(byte[] pixels, int p, Rgb colour)
    {
        pixels[p * 3] = colour.R;
        pixels[(p * 3) + 1] = colour.G;
        pixels[(p * 3) + 2] = colour.B;
    }
}
