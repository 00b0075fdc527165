using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Inference;

/// <summary>
/// The noise an image's latents receive at a noise step T. Drawn on the CPU in float32 from a
/// generator seeded by a stable hash of (noise seed, image id), so every sentence of an image sees the
/// same noise whatever the batch, worker, process or device (docs/faithfulness.md).
/// </summary>
internal static class ImageNoise
{
    /// <summary>A standard-normal tensor of <paramref name="shape"/> on the CPU, float32.</summary>
    public static Tensor Draw(long noiseSeed, string imageId, params long[] shape)
    {
        using var generator = new Generator(GeneratorSeed(noiseSeed, imageId), torch.CPU);
        return torch.randn(shape, dtype: ScalarType.Float32, device: torch.CPU, generator: generator);
    }

    /// <summary>
    /// SHA-256 of "seed:imageId", first 8 bytes little-endian, sign bit cleared. string.GetHashCode is
    /// randomised per process, so it cannot be used here.
    /// </summary>
    public static ulong GeneratorSeed(long noiseSeed, string imageId)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{noiseSeed}:{imageId}"));
        return BinaryPrimitives.ReadUInt64LittleEndian(digest) & long.MaxValue;
    }
}
