using static TorchSharp.torch;

namespace Vpd.Model;

/// <summary>One VPDRefer forward's results (tensors owned by the caller's dispose scope).</summary>
/// <param name="Logits">[B, 2, S, S] float32 class scores at the image size (float32 also for a bfloat16 model); channel 1 is the referred object.</param>
/// <param name="AttentionMaps">Averaged cross-attention maps [B, tokens, s, s] keyed by side s (base/16 and base/32).</param>
internal sealed record VpdReferResult(Tensor Logits, IReadOnlyDictionary<int, Tensor> AttentionMaps) : IDisposable
{
    /// <summary>The predicted masks [B, S, S] (int64 0/1): argmax over the two classes.</summary>
    public Tensor Masks() => Logits.argmax(1);

    /// <summary>Disposes every tensor of the result.</summary>
    public void Dispose()
    {
        Logits.Dispose();
        foreach (var map in AttentionMaps.Values)
        {
            map.Dispose();
        }
    }
}
