using System.Globalization;
using Vpd.Core.Imaging;

namespace Vpd.Core.Synthetic;

/// <summary>
/// RefShapes: a synthetic referring-segmentation dataset in the RefCOCO on-disk layout, so the
/// same reader, rasteriser and pipeline serve it and the real datasets. Deterministic by seed:
/// each image draws from its own <see cref="SplitMix64"/> seeded by (seed, image index), so the
/// same options give byte-identical files however many threads build them.
/// </summary>
public static class RefShapesGenerator
{
    /// <summary>Most images one dataset may hold (ids stay below 2^31).</summary>
    public const int MaxImages = 1_000_000;

    /// <summary>
    /// Image ids start here, above every COCO image id, so RefShapes files never collide with
    /// real COCO images when both live in the same images folder.
    /// </summary>
    public const long ImageIdBase = 900_000_000;

    /// <summary>Builds the dataset in memory (images, shapes, sentences, ids), in written order.</summary>
    public static RefShapesDataset Generate(RefShapesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var splitOfImage = options.Splits.SelectMany(s => Enumerable.Repeat(s.Split, s.Images)).ToArray();
        var drafts = new (RgbImage Pixels, IReadOnlyList<PlacedShape> Shapes, IReadOnlyList<IReadOnlyList<string>> Sentences)[splitOfImage.Length];
        Parallel.For(0, splitOfImage.Length, index =>
        {
            var random = SplitMix64.ForItem(options.Seed, index);
            var (pixels, shapes) = SceneComposer.Compose(options, random, $"RefShapes image {index}");
            drafts[index] = (pixels, shapes, ReferringExpressions.Describe(shapes, random));
        });

        // Ids are handed out in order afterwards, so they do not depend on thread timing.
        long nextAnnId = 1, nextRefId = 0, nextSentId = 0;
        var images = new List<RefShapesImage>(drafts.Length);
        for (var index = 0; index < drafts.Length; index++)
        {
            var (pixels, shapes, sentences) = drafts[index];
            var objects = new List<RefShapesObject>(shapes.Count);
            for (var s = 0; s < shapes.Count; s++)
            {
                var shape = shapes[s];
                long? refId = sentences[s].Count > 0 ? nextRefId++ : null;
                var numbered = sentences[s].Select(sentence => (nextSentId++, sentence)).ToList();
                objects.Add(new RefShapesObject(
                    nextAnnId++, refId, shape.Kind, shape.Colour, shape.Polygon, shape.Mask, shape.Area, shape.CentreX, shape.CentreY, numbered));
            }
            var imageId = ImageIdBase + index;
            images.Add(new RefShapesImage(imageId, ImageFileName(imageId), splitOfImage[index], pixels, objects));
        }
        return new RefShapesDataset(options, images);
    }

    /// <summary>
    /// Generates the dataset and writes it under <paramref name="dataRoot"/>:
    /// <c>refshapes/refs(unc).p</c>, <c>refshapes/instances.json</c> and the JPEGs in
    /// <c>images/mscoco/images/train2014/</c>. Returns what was written.
    /// </summary>
    public static RefShapesDataset Write(string dataRoot, RefShapesOptions options, IProgress<int>? imagesWritten = null)
    {
        ArgumentNullException.ThrowIfNull(dataRoot);
        var dataset = Generate(options);
        RefShapesWriter.Write(dataRoot, dataset, imagesWritten);
        return dataset;
    }

    /// <summary>The COCO-style file name of an image id.</summary>
    public static string ImageFileName(long imageId) =>
        string.Create(CultureInfo.InvariantCulture, $"COCO_train2014_{imageId:D12}.jpg");
}
