using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// The inputs container: each image file and each truth mask (at a run's S x S) under a name that includes its
/// content's SHA-256, written once and never replaced. Runs of one dataset at different sizes, or after a dataset
/// file changed, have different inputs and never disturb each other. Reads check the bytes against the hash and keep
/// decoded images in a cache bounded by bytes.
/// </summary>
public sealed class InputStore(StorageClients storage, long decodedImageCacheBytes = InputStore.DefaultCacheBytes)
{
    /// <summary>About 300 COCO images (640 x 480) or one image at the largest accepted size.</summary>
    public const long DefaultCacheBytes = 256L << 20;

    private readonly DecodedImageCache _cache = new(decodedImageCacheBytes);

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(storage.Names.InputsContainer);

    /// <summary>Bytes of decoded images held by the cache now.</summary>
    public long CachedImageBytes => _cache.Bytes;

    public int CachedImages => _cache.Count;

    /// <summary>Uploads an image file unless the same bytes are stored; returns their SHA-256.</summary>
    public async Task<(string Sha256, bool Uploaded)> PutImageAsync(string dataset, string imageId, byte[] bytes, CancellationToken cancellationToken)
    {
        var sha = Sha256(bytes);
        return (sha, await CreateOnceAsync(StorageLayout.ImageBlob(dataset, imageId, sha), bytes, ContentTypeOf(bytes), cancellationToken));
    }

    /// <summary>Uploads a truth mask at S x S unless the same PNG is stored; returns its SHA-256.</summary>
    public async Task<(string Sha256, bool Uploaded)> PutTruthAsync(string dataset, string refId, BinaryMask truth, CancellationToken cancellationToken)
    {
        if (truth.Width != truth.Height)
        {
            throw new ArgumentException($"truth of refId '{refId}' is {truth.Width}x{truth.Height}: truth masks are stored at S x S");
        }
        var png = MaskPng.Encode(truth);
        var sha = Sha256(png);
        return (sha, await CreateOnceAsync(StorageLayout.TruthBlob(dataset, truth.Width, refId, sha), png, "image/png", cancellationToken));
    }

    /// <summary>An image decoded at its original size, from the cache when it is there.</summary>
    public async Task<RgbImage> ReadImageAsync(string dataset, string imageId, string sha256, CancellationToken cancellationToken)
    {
        var name = StorageLayout.ImageBlob(dataset, imageId, sha256);
        if (_cache.TryGet(name, out var cached))
        {
            return cached;
        }
        var image = ImageFiles.DecodeRgb(await DownloadAsync(name, "image", sha256, cancellationToken), Describe(name));
        _cache.Add(name, image);
        return image;
    }

    public async Task<BinaryMask> ReadTruthAsync(string dataset, int size, string refId, string sha256, CancellationToken cancellationToken)
    {
        var name = StorageLayout.TruthBlob(dataset, size, refId, sha256);
        return MaskPng.Decode(await DownloadAsync(name, "truth mask", sha256, cancellationToken), size, size, Describe(name));
    }

    private async Task<byte[]> DownloadAsync(string blobName, string what, string expectedSha256, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = (await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new InvalidDataException($"{what} {Describe(blobName)} not found", e);
        }
        var actual = Sha256(bytes);
        if (actual != expectedSha256)
        {
            throw new InvalidDataException($"{what} {Describe(blobName)} has SHA-256 {actual}, not the {expectedSha256} its name promises");
        }
        return bytes;
    }

    private async Task<bool> CreateOnceAsync(string blobName, byte[] bytes, string contentType, CancellationToken cancellationToken)
    {
        var blob = Container.GetBlobClient(blobName);
        if (await blob.ExistsAsync(cancellationToken))
        {
            return false;
        }
        try
        {
            await blob.UploadAsync(new BinaryData(bytes), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    private string Describe(string blobName) => $"{storage.Names.InputsContainer}/{blobName}";

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string ContentTypeOf(byte[] bytes) =>
        bytes is [0xFF, 0xD8, 0xFF, ..] ? "image/jpeg" : bytes is [0x89, (byte)'P', (byte)'N', (byte)'G', ..] ? "image/png" : "application/octet-stream";
}
