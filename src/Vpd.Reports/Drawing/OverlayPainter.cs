using Vpd.Core.Imaging;
using Vpd.Reports.Figures;

namespace Vpd.Reports.Drawing;

/// <summary>The overlay picture: the image as the model saw it at the display side, with the truth and prediction contours.</summary>
internal static class OverlayPainter
{
    public static RgbImage Paint(SampleView sample, SamplePrediction prediction, int side, FigureStyle style)
    {
        var picture = PictureScaling.Image(sample.Image, side);
        ContourPainter.Paint(
            picture,
            PictureScaling.Mask(sample.Truth, side),
            prediction.Mask is null ? null : PictureScaling.Mask(prediction.Mask, side),
            style);
        return picture;
    }
}
