using TorchSharp;
using Vpd.Core.Imaging;
using Vpd.Core.Refer;
using Vpd.Core.Synthetic;
using static TorchSharp.torch;
using Vpd.Model;

namespace Vpd.Tools.Training;

/// <summary>
/// A split ready for training: its referred objects, their truth at S x S, and either the frozen stem's
/// latents computed once up front (the stem is most of a step's cost, docs/training.md) or the images
/// themselves when the stem trains. Tensors live on the CPU.
/// </summary>
internal sealed class TrainingData : IDisposable
{
    private readonly string[] imagePaths;
    private readonly int imageSize;

    private TrainingData(IReadOnlyList<ReferRef> objects, int[] imageOfObject, string[] imagePaths, Tensor truth, int imageSize)
    {
        Objects = objects;
        ImageOfObject = imageOfObject;
        this.imagePaths = imagePaths;
        Truth = truth;
        this.imageSize = imageSize;
    }

    public IReadOnlyList<ReferRef> Objects { get; }

    /// <summary>Index into the distinct images of each object.</summary>
    public int[] ImageOfObject { get; }

    /// <summary>[N, S, S] uint8 truth per object.</summary>
    public Tensor Truth { get; }

    /// <summary>[images, C, h, w] latents when the stem is frozen, else null.</summary>
    public Tensor? Latents { get; private set; }

    /// <summary>
    /// The usable objects of <paramref name="split"/> (those with a sentence): all, the first
    /// <paramref name="limit"/>, or <paramref name="subset"/> of them drawn with <paramref name="subsetSeed"/>.
    /// </summary>
    public static TrainingData Load(ReferDataset dataset, string split, int? limit, int? subset, long subsetSeed, int imageSize)
    {
        var refs = dataset.Refs(split).Where(r => r.Sentences.Count > 0).ToList();
        if (limit is { } n && n < refs.Count)
        {
            refs = refs[..n];
        }
        if (subset is { } k && k < refs.Count)
        {
            refs = [.. TrainingSubset.Indexes(refs.Count, k, subsetSeed).Select(i => refs[i])];
        }
        if (refs.Count == 0)
        {
            throw new ArgumentException($"split '{split}' of {dataset.RefsPath} has no referred object with a sentence");
        }
        var imageIds = refs.Select(r => r.ImageId).Distinct().ToList();
        var indexOfImage = imageIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var plane = imageSize * imageSize;
        var truth = new byte[refs.Count * plane];
        for (var i = 0; i < refs.Count; i++)
        {
            EvalTransform.ResizeTruth(dataset.TruthMask(refs[i].RefId), imageSize).Pixels.CopyTo(truth, i * plane);
        }
        return new TrainingData(
            refs,
            [.. refs.Select(r => indexOfImage[r.ImageId])],
            [.. imageIds.Select(dataset.ImagePath)],
            torch.tensor(truth, [refs.Count, imageSize, imageSize]),
            imageSize);
    }

    public int ImageCount => imagePaths.Length;

    /// <summary>Images [B, 3, S, S] float32 in [-1, 1], decoded from disk (used when the stem trains).</summary>
    public Tensor Images(IReadOnlyList<int> imageIndexes)
    {
        var size = 3 * imageSize * imageSize;
        var values = new float[imageIndexes.Count * size];
        for (var i = 0; i < imageIndexes.Count; i++)
        {
            EvalTransform.LoadImage(imagePaths[imageIndexes[i]], imageSize).CopyTo(values, i * size);
        }
        return torch.tensor(values, [imageIndexes.Count, 3, imageSize, imageSize]);
    }

    /// <summary>Runs the frozen stem over every image once (no gradients, eval mode) and keeps the latents.</summary>
    public void CacheLatents(VpdRefer refer, Device device, IProgress<int>? imagesDone = null, int chunk = 16)
    {
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        try
        {
            for (var start = 0; start < imagePaths.Length; start += chunk)
            {
                using var scope = NewDisposeScope();
                var indexes = Enumerable.Range(start, Math.Min(chunk, imagePaths.Length - start)).ToList();
                using var images = Images(indexes);
                parts.Add(refer.EncodeLatents(images.to(device)).cpu().DetachFromDisposeScope());
                imagesDone?.Report(start + indexes.Count);
            }
            Latents = torch.cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Truth.Dispose();
        Latents?.Dispose();
    }
}
