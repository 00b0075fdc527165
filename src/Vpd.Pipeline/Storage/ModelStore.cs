using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// The models container: each model file under <c>{sha256}.safetensors</c>, uploaded once; workers download it into a
/// local folder and verify the hash before anything reads it.
/// </summary>
public sealed class ModelStore(StorageClients storage)
{
    /// <summary>How a model is named on the command line when it is already in storage.</summary>
    public const string HashPrefix = "sha256:";

    /// <summary>The blob a model file is stored under, as a manifest names it.</summary>
    public static string BlobName(string sha256) => StorageLayout.ModelBlob(sha256);

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(storage.Names.ModelsContainer);

    /// <summary>
    /// The SHA-256 of <paramref name="model"/>: a local file (uploaded when not stored yet) or <c>sha256:&lt;hex&gt;</c>
    /// of one already stored.
    /// </summary>
    /// <exception cref="FileNotFoundException">A local file that does not exist.</exception>
    /// <exception cref="ArgumentException">A named hash that is not stored.</exception>
    public async Task<string> PutAsync(string model, CancellationToken cancellationToken)
    {
        if (model.StartsWith(HashPrefix, StringComparison.Ordinal))
        {
            var named = Ids.ValidateSha256(model[HashPrefix.Length..], "model sha256");
            if (!await Container.GetBlobClient(StorageLayout.ModelBlob(named)).ExistsAsync(cancellationToken))
            {
                throw new ArgumentException(
                    $"model {model} is not in container '{storage.Names.ModelsContainer}' of {storage.Description}: pass the model file instead");
            }
            return named;
        }
        if (!File.Exists(model))
        {
            throw new FileNotFoundException($"model file {model} not found (pass a path or sha256:<hex>)", model);
        }
        var sha = await Sha256OfFileAsync(model, cancellationToken);
        var blob = Container.GetBlobClient(StorageLayout.ModelBlob(sha));
        if (!await blob.ExistsAsync(cancellationToken))
        {
            await blob.UploadAsync(model, new BlobUploadOptions(), cancellationToken);
        }
        return sha;
    }

    /// <summary>The verified local path of model <paramref name="sha256"/> in <paramref name="directory"/>, downloading it when absent.</summary>
    /// <exception cref="InvalidDataException">Not stored, or its content does not match its hash.</exception>
    public async Task<string> FetchAsync(string sha256, string directory, CancellationToken cancellationToken)
    {
        var blobName = StorageLayout.ModelBlob(sha256);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, blobName);
        if (File.Exists(path) && await Sha256OfFileAsync(path, cancellationToken) == sha256)
        {
            return path;
        }
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            try
            {
                await Container.GetBlobClient(blobName).DownloadToAsync(partial, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new InvalidDataException(
                    $"model blob {storage.Names.ModelsContainer}/{blobName} not found: upload it with `vpd enqueue --model FILE`", e);
            }
            var actual = await Sha256OfFileAsync(partial, cancellationToken);
            if (actual != sha256)
            {
                throw new InvalidDataException(
                    $"model blob {storage.Names.ModelsContainer}/{blobName} has SHA-256 {actual}, not the {sha256} its name promises");
            }
            File.Move(partial, path, overwrite: true);
            return path;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
