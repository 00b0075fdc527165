using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>
/// Collects VPD's cross-attention maps during one UNet forward (VPD's <c>AttentionStore</c>, without
/// global state: the UNet hands it to every attention layer). It keeps the head-averaged softmax
/// probabilities of cross-attention layers in the down and up paths whose query count is at most
/// <c>maxQueries</c>; mid-block and self-attention maps are never computed. Create one per forward.
/// </summary>
internal sealed class AttentionStore : IDisposable
{
    private readonly long maxQueries;
    private readonly ForwardTrace? trace;
    private readonly SortedDictionary<int, List<Tensor>> bySide = [];

    /// <param name="maxQueries">Largest query count (H*W) kept: VPD uses ((base_size / 8) / 2)^2.</param>
    /// <param name="trace">Receives each kept layer's map as <c>attn_layer.&lt;module path&gt;</c>, shape [B, H*W, tokens].</param>
    public AttentionStore(long maxQueries, ForwardTrace? trace = null)
    {
        this.maxQueries = maxQueries;
        this.trace = trace;
    }

    /// <summary>Whether a layer's map would be kept, so the layer computes explicit probabilities only then.</summary>
    internal bool Wants(UnetPlace place, bool isCross, long queries) => isCross && place != UnetPlace.Mid && queries <= maxQueries;

    /// <summary>Takes ownership of a head-averaged map [B, Nq, Nk] with Nq a square number.</summary>
    internal void Add(string layerPath, Tensor map)
    {
        map.DetachFromDisposeScope();
        trace?.Invoke("attn_layer." + layerPath, map);
        var queries = map.shape[1];
        var side = (int)Math.Round(Math.Sqrt(queries));
        if ((long)side * side != queries)
        {
            map.Dispose();
            throw new InvalidOperationException($"attention layer {layerPath}: {queries} query positions do not form a square map");
        }
        if (!bySide.TryGetValue(side, out var list))
        {
            bySide[side] = list = [];
        }
        list.Add(map);
    }

    /// <summary>
    /// The kept maps averaged over layers per spatial side, as [B, tokens, side, side] (query index =
    /// row * side + col; the token index becomes the channel). New tensors in the caller's dispose scope.
    /// </summary>
    public IReadOnlyDictionary<int, Tensor> AveragedMaps()
    {
        var result = new SortedDictionary<int, Tensor>();
        foreach (var (side, maps) in bySide)
        {
            using var stacked = stack(maps);
            using var mean = stacked.mean([0]);
            result[side] = mean.transpose(1, 2).reshape(mean.shape[0], mean.shape[2], side, side);
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var map in bySide.Values.SelectMany(list => list))
        {
            map.Dispose();
        }
        bySide.Clear();
    }
}
