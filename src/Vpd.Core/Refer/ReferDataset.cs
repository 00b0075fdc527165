using Vpd.Core.Masks;

namespace Vpd.Core.Refer;

/// <summary>
/// A referring dataset in the RefCOCO on-disk layout (what the reference <c>REFER</c> class reads):
/// refs pickle + COCO instances + images. Gives the splits, the refs of a split, the evaluation
/// samples (one per sentence, refs in file order, sentences in ref order) and ground-truth masks.
/// Every ref is checked at load to have its annotation and image entry; image files are only
/// opened when read, so a missing file fails that one sample, not the whole dataset.
/// </summary>
public sealed class ReferDataset
{
    /// <summary>Where images live under the data root (COCO train2014, as the reference layout has it).</summary>
    public static readonly string[] ImageFolder = ["images", "mscoco", "images", "train2014"];

    private static readonly string[] ConventionalSplitOrder = ["train", "val", "test", "testA", "testB", "testC"];

    private readonly IReadOnlyList<ReferRef> refs;
    private readonly Dictionary<long, ReferRef> refsById;
    private readonly CocoInstances instances;

    private ReferDataset(string dataRoot, ReferDatasetLayout layout, IReadOnlyList<ReferRef> refs, CocoInstances instances)
    {
        DataRoot = dataRoot;
        Layout = layout;
        this.refs = refs;
        this.instances = instances;
        refsById = [];
        foreach (var item in refs)
        {
            if (!refsById.TryAdd(item.RefId, item))
            {
                throw new InvalidDataException($"{RefsPath}: ref_id {item.RefId} occurs twice");
            }
            if (!instances.Annotations.TryGetValue(item.AnnId, out var annotation))
            {
                throw new InvalidDataException($"{RefsPath}: ref {item.RefId} refers to annotation {item.AnnId}, which {InstancesPath} does not have");
            }
            if (!instances.Images.ContainsKey(item.ImageId))
            {
                throw new InvalidDataException($"{RefsPath}: ref {item.RefId} refers to image {item.ImageId}, which {InstancesPath} does not have");
            }
            if (annotation.ImageId != item.ImageId)
            {
                throw new InvalidDataException(
                    $"{RefsPath}: ref {item.RefId} names image {item.ImageId} but its annotation {item.AnnId} belongs to image {annotation.ImageId} in {InstancesPath}");
            }
        }
        Splits = [.. refs.Select(r => r.Split).Distinct(StringComparer.Ordinal).OrderBy(SplitRank).ThenBy(s => s, StringComparer.Ordinal)];
    }

    public string DataRoot { get; }

    public ReferDatasetLayout Layout { get; }

    public string RefsPath => Path.Combine(DataRoot, Layout.Folder, Layout.RefsFileName);

    public string InstancesPath => Path.Combine(DataRoot, Layout.Folder, "instances.json");

    public string ImageDirectory => Path.Combine([DataRoot, .. ImageFolder]);

    /// <summary>The splits present (train, val, test, testA, testB, testC first, then any other in ordinal order).</summary>
    public IReadOnlyList<string> Splits { get; }

    /// <summary>Every ref in file order.</summary>
    public IReadOnlyList<ReferRef> AllRefs => refs;

    /// <summary>Loads a dataset by id (<c>refcoco</c>, <c>refcocoplus</c> or <c>refcoco+</c>, <c>refcocog-umd</c>, <c>refcocog-google</c>, <c>refshapes</c>).</summary>
    public static ReferDataset Load(string dataRoot, string datasetId) => Load(dataRoot, ReferDatasetLayout.FromId(datasetId));

    /// <summary>Loads <c>{dataRoot}/{folder}/refs({splitBy}).p</c> for a folder that is not one of the known ids.</summary>
    public static ReferDataset Load(string dataRoot, string folder, string splitBy) =>
        Load(dataRoot, new ReferDatasetLayout(folder, folder, splitBy));

    /// <summary>Loads <c>{dataRoot}/{folder}/refs({splitBy}).p</c> and its instances.json.</summary>
    public static ReferDataset Load(string dataRoot, ReferDatasetLayout layout)
    {
        ArgumentNullException.ThrowIfNull(dataRoot);
        ArgumentNullException.ThrowIfNull(layout);
        if (!Directory.Exists(dataRoot))
        {
            throw new DirectoryNotFoundException($"data root not found: {dataRoot}");
        }
        var refsPath = Path.Combine(dataRoot, layout.Folder, layout.RefsFileName);
        var refs = RefsPickle.Read(refsPath);
        var wanted = refs.Select(r => r.AnnId).ToHashSet();
        var instances = CocoInstances.Read(Path.Combine(dataRoot, layout.Folder, "instances.json"), wanted.Contains);
        return new ReferDataset(dataRoot, layout, refs, instances);
    }

    /// <summary>The refs of <paramref name="split"/> in file order.</summary>
    public IReadOnlyList<ReferRef> Refs(string split)
    {
        RequireSplit(split);
        return [.. refs.Where(r => r.Split == split)];
    }

    public ReferRef Ref(long refId) =>
        refsById.TryGetValue(refId, out var item)
            ? item
            : throw new KeyNotFoundException($"{RefsPath}: no ref with id {refId}");

    public CocoImage Image(long imageId) =>
        instances.Images.TryGetValue(imageId, out var image)
            ? image
            : throw new KeyNotFoundException($"{InstancesPath}: no image with id {imageId}");

    public CocoAnnotation Annotation(long annId) =>
        instances.Annotations.TryGetValue(annId, out var annotation)
            ? annotation
            : throw new KeyNotFoundException($"{InstancesPath}: no referred annotation with id {annId}");

    /// <summary>The category name of a ref ("" when instances.json does not name it).</summary>
    public string CategoryName(long categoryId) => instances.Categories.TryGetValue(categoryId, out var name) ? name : "";

    /// <summary>The image file of <paramref name="imageId"/> (the image entry's <c>file_name</c> in the image folder).</summary>
    public string ImagePath(long imageId) => Path.Combine(ImageDirectory, Image(imageId).FileName);

    /// <summary>The evaluation samples of <paramref name="split"/>: one per sentence, refs in file order, sentences in ref order.</summary>
    public IReadOnlyList<ReferringSample> Samples(string split)
    {
        var samples = new List<ReferringSample>();
        foreach (var item in Refs(split))
        {
            var imagePath = ImagePath(item.ImageId);
            for (var i = 0; i < item.Sentences.Count; i++)
            {
                var sentence = item.Sentences[i];
                samples.Add(new ReferringSample(item.RefId, item.AnnId, item.ImageId, imagePath, i, sentence.SentId, sentence.Sent));
            }
        }
        return samples;
    }

    /// <summary>The ground truth of a ref at the image's original size, exactly as the reference loader makes it.</summary>
    public BinaryMask TruthMask(long refId)
    {
        var item = Ref(refId);
        var image = Image(item.ImageId);
        var annotation = Annotation(item.AnnId);
        return CocoMask.FromSegmentation(
            annotation.Segmentation, image.Height, image.Width, $"{InstancesPath} annotation {annotation.Id} (ref {refId})");
    }

    private void RequireSplit(string split)
    {
        if (!Splits.Contains(split, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"split '{split}' is not in {RefsPath}; splits present: {string.Join(", ", Splits)}", nameof(split));
        }
    }

    private static int SplitRank(string split)
    {
        var rank = Array.IndexOf(ConventionalSplitOrder, split);
        return rank < 0 ? ConventionalSplitOrder.Length : rank;
    }
}
