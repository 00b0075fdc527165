using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Vpd.Model.Inference;

/// <summary>
/// Clean image latents shared by every model of a process whose image encoder has the same weights: the heads of a
/// noise-step study are trained on one frozen backbone, so a worker serving their runs encodes each image once
/// instead of once per model. Keys are the encoder's weights (a SHA-256 over its tensors), its dtype and device,
/// and the image's content key. Thread-safe; each caller gets its own copy of the latents.
/// </summary>
public sealed class SharedLatents(int capacity = 32) : IDisposable
{
    private readonly LatentCache cache = new(capacity);
    private readonly Lock gate = new();
    private long hits;
    private long misses;

    /// <summary>Latents served from the cache.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>Latents the image encoder computed.</summary>
    public long Misses => Interlocked.Read(ref misses);

    /// <summary>A copy of the latents under <paramref name="key"/>, computing and keeping them on a miss.</summary>
    internal Tensor GetOrAdd(string key, Func<Tensor> compute)
    {
        lock (gate)
        {
            if (cache.Get(key) is { } cached)
            {
                Interlocked.Increment(ref hits);
                return cached.clone();
            }
            Interlocked.Increment(ref misses);
            var latents = compute().DetachFromDisposeScope();
            cache.Add(key, latents);
            return latents.clone();
        }
    }

    /// <summary>What identifies a model's image encoder: the SHA-256 of its tensors in name order, with their dtype and device.</summary>
    internal static string EncoderKey(VpdModel model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in model.Refer.EncoderVq.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using var cpu = tensor.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return $"{Convert.ToHexStringLower(hash.GetHashAndReset())}/{model.DType}/{model.Device.type}";
    }

    public void Dispose()
    {
        lock (gate)
        {
            cache.Dispose();
        }
    }
}
