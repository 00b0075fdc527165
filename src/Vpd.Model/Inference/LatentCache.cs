using static TorchSharp.torch;

namespace Vpd.Model.Inference;

/// <summary>
/// A small least-recently-used cache of image latents keyed by image id. The queue sends one
/// message per referred object and an image's objects usually arrive together, so the VAE encoder
/// runs once per image rather than once per object. Owns the cached tensors.
/// </summary>
internal sealed class LatentCache(int capacity) : IDisposable
{
    private readonly LinkedList<(string ImageId, Tensor Latents)> order = new();
    private readonly Dictionary<string, LinkedListNode<(string ImageId, Tensor Latents)>> byId = new(StringComparer.Ordinal);

    public int Count => byId.Count;

    /// <summary>The cached latents (still owned by the cache), or null.</summary>
    public Tensor? Get(string imageId)
    {
        if (!byId.TryGetValue(imageId, out var node))
        {
            return null;
        }
        order.Remove(node);
        order.AddFirst(node);
        return node.Value.Latents;
    }

    /// <summary>Takes ownership of <paramref name="latents"/>, evicting (and disposing) the least recently used entry when full.</summary>
    public void Add(string imageId, Tensor latents)
    {
        if (byId.Remove(imageId, out var existing))
        {
            order.Remove(existing);
            existing.Value.Latents.Dispose();
        }
        while (byId.Count >= capacity && order.Last is { } last)
        {
            order.RemoveLast();
            byId.Remove(last.Value.ImageId);
            last.Value.Latents.Dispose();
        }
        byId[imageId] = order.AddFirst((imageId, latents));
    }

    public void Clear()
    {
        foreach (var (_, latents) in order)
        {
            latents.Dispose();
        }
        order.Clear();
        byId.Clear();
    }

    public void Dispose() => Clear();
}
