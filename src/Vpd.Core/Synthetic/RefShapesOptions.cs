namespace Vpd.Core.Synthetic;

/// <summary>
/// Settings of a generated RefShapes dataset. The defaults are the dataset the shipped Tiny
/// model was trained on (docs/training.md): 128 px images, 2-5 shapes of 12-40 px.
/// </summary>
public sealed record RefShapesOptions
{
    public ulong Seed { get; init; } = 1;

    public int TrainImages { get; init; } = 2000;

    public int ValImages { get; init; } = 200;

    public int TestAImages { get; init; } = 100;

    public int TestBImages { get; init; } = 100;

    public int ImageSize { get; init; } = 128;

    public int MinShapes { get; init; } = 2;

    public int MaxShapes { get; init; } = 5;

    /// <summary>Smallest side / diameter in pixels.</summary>
    public int MinShapeSize { get; init; } = 12;

    /// <summary>Largest side / diameter in pixels.</summary>
    public int MaxShapeSize { get; init; } = 40;

    /// <summary>JPEG quality of the written images (chroma is not subsampled, so colours stay clean).</summary>
    public int JpegQuality { get; init; } = 95;

    /// <summary>The splits in the order they are generated and written, with their image counts.</summary>
    public IReadOnlyList<(string Split, int Images)> Splits =>
        [("train", TrainImages), ("val", ValImages), ("testA", TestAImages), ("testB", TestBImages)];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        foreach (var (split, images) in Splits)
        {
            if (images < 0)
            {
                throw new ArgumentException($"RefShapes {split} image count must not be negative, got {images}");
            }
        }
        if (Splits.Sum(s => (long)s.Images) > RefShapesGenerator.MaxImages)
        {
            throw new ArgumentException($"RefShapes can hold at most {RefShapesGenerator.MaxImages} images");
        }
        if (ImageSize is < 32 or > 1024)
        {
            throw new ArgumentException($"RefShapes image size must be 32..1024 px, got {ImageSize}");
        }
        if (MinShapes < 2 || MaxShapes < MinShapes || MaxShapes > 10)
        {
            throw new ArgumentException($"RefShapes shapes per image must satisfy 2 <= min <= max <= 10, got {MinShapes}..{MaxShapes}");
        }
        if (MinShapeSize < 6 || MaxShapeSize < MinShapeSize || MaxShapeSize > ImageSize / 2)
        {
            throw new ArgumentException(
                $"RefShapes shape size must satisfy 6 <= min <= max <= image size / 2, got {MinShapeSize}..{MaxShapeSize}");
        }
        if (JpegQuality is < 1 or > 100)
        {
            throw new ArgumentException($"RefShapes JPEG quality must be 1..100, got {JpegQuality}");
        }
    }
}
