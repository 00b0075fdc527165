using System.Security.Cryptography;
using Azure;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// Reads a message's image and truth mask from the inputs container. When the message carries an
/// input's SHA-256, the bytes read must hash to it (an input replaced after enqueue is bad input, not a
/// silently different result), and decoded images are kept in a small LRU keyed by name and hash:
/// the objects of one image arrive together, and with a trivial segmenter the image download is one
/// of the few storage requests per object.
/// </summary>
public sealed class InputStore(StorageClients storage, int cachedImages = 16)
{
    private readonly object _gate = new();
    private readonly LinkedList<(string Key, RgbImage Image)> _recent = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, RgbImage Image)>> _byKey = new(StringComparer.Ordinal);

    /// <summary>Image and truth of <paramref name="message"/>, read concurrently.</summary>
    /// <exception cref="InvalidDataException">An input is missing, corrupt, not of the run's size, or not the enqueued bytes.</exception>
    public async Task<(RgbImage Image, BinaryMask Truth)> ReadAsync(ExpressionMessage message, int size, CancellationToken cancellationToken)
    {
        var image = GetImageAsync(message.Dataset, message.ImageId, message.ImageSha256, cancellationToken);
        var truth = GetTruthAsync(message.Dataset, message.RefId, message.TruthSha256, size, cancellationToken);
        await Task.WhenAll(image, truth);
        return (await image, await truth);
    }

    private async Task<BinaryMask> GetTruthAsync(string dataset, string refId, string? sha256, int size, CancellationToken cancellationToken)
    {
        var name = StorageLayout.TruthBlob(dataset, refId);
        var bytes = await DownloadAsync(name, "truth mask", sha256, cancellationToken);
        return MaskPng.Decode(bytes, size, size, Describe(name));
    }

    private async Task<RgbImage> GetImageAsync(string dataset, string imageId, string? sha256, CancellationToken cancellationToken)
    {
        var name = StorageLayout.ImageBlob(dataset, imageId);
        var key = sha256 is null ? null : $"{name}@{sha256}";
        if (key is not null && TryGetCached(key, out var cached))
        {
            return cached;
        }
        var image = ImageFiles.DecodeRgb(await DownloadAsync(name, "image", sha256, cancellationToken), Describe(name));
        if (key is not null)
        {
            AddCached(key, image);
        }
        return image;
    }

    private async Task<byte[]> DownloadAsync(string blobName, string what, string? expectedSha256, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = (await storage.Inputs.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new InvalidDataException($"{what} {Describe(blobName)} not found", e);
        }
        if (expectedSha256 is not null)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (actual != expectedSha256)
            {
                throw new InvalidDataException(
                    $"{what} {Describe(blobName)} changed since the run was enqueued: SHA-256 {actual}, the message expects {expectedSha256}");
            }
        }
        return bytes;
    }

    private string Describe(string blobName) => $"{storage.Names.InputsContainer}/{blobName}";

    private bool TryGetCached(string key, out RgbImage image)
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

    private void AddCached(string key, RgbImage image)
    {
        lock (_gate)
        {
            if (_byKey.ContainsKey(key) || cachedImages <= 0)
            {
                return;
            }
            _byKey[key] = _recent.AddFirst((key, image));
            while (_recent.Count > cachedImages)
            {
                _byKey.Remove(_recent.Last!.Value.Key);
                _recent.RemoveLast();
            }
        }
    }
}
