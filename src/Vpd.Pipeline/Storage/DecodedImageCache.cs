using Vpd.Core.Imaging;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// The most recently used decoded images, bounded by their bytes rather than their number: the objects of one image
/// arrive together, so a small cache saves most downloads, while a few images at the largest accepted size
/// (8192 x 8192, 192 MiB each) must not pin gigabytes in an idle worker. An image larger than the whole budget is
/// not kept.
/// </summary>
internal sealed class DecodedImageCache(long maxBytes)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<(string Key, RgbImage Image)> _recent = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, RgbImage Image)>> _byKey = new(StringComparer.Ordinal);

    public long MaxBytes => maxBytes;

    /// <summary>Bytes of pixels held now.</summary>
    public long Bytes { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Count;
            }
        }
    }

    public bool TryGet(string key, out RgbImage image)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                image = node.Value.Image;
                return true;
            }
        }
        image = null!;
        return false;
    }

    public void Add(string key, RgbImage image)
    {
        long size = image.Pixels.Length;
        lock (_gate)
        {
            if (_byKey.ContainsKey(key) || size > maxBytes)
            {
                return;
            }
            _byKey[key] = _recent.AddFirst((key, image));
            Bytes += size;
            while (Bytes > maxBytes)
            {
                var oldest = _recent.Last!.Value;
                _recent.RemoveLast();
                _byKey.Remove(oldest.Key);
                Bytes -= oldest.Image.Pixels.Length;
            }
        }
    }
}
