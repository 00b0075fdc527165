using static TorchSharp.torch;

namespace Vpd.Tools.Benchmarks;

/// <summary>Whether a stage runs once per image or once per sentence (batched over the image's sentences).</summary>
public enum StageUnit
{
    Image,
    Sentence,
}

/// <summary>One stage's timings.</summary>
/// <param name="Name">clip, vae_encoder, unet, head.</param>
/// <param name="Batch">Items per run (1 for per-image stages, the sentence count otherwise).</param>
/// <param name="RunsMs">Every timed run, milliseconds.</param>
/// <param name="Gmacs">Multiply-accumulates of one run (the whole batch), in billions.</param>
/// <param name="Reference">The reference timing of the same full-size forward, when one applies.</param>
/// <param name="Finite">Whether the stage's output had only finite values (random weights must not overflow).</param>
public sealed record StageTiming(string Name, StageUnit Unit, int Batch, IReadOnlyList<double> RunsMs, double Gmacs, PerfAnchor? Reference, bool Finite)
{
    /// <summary>Median of <see cref="RunsMs"/>.</summary>
    public double MedianMs => Median(RunsMs);

    /// <summary>Fastest run: on a machine shared with other jobs the least disturbed one.</summary>
    public double MinMs => RunsMs.Min();

    /// <summary>Milliseconds per item: per image, or per sentence for batched stages.</summary>
    public double PerItemMs => MedianMs / Batch;

    /// <summary>Achieved rate: 2 x MACs per second, in GFLOP/s.</summary>
    public double GflopPerSecond => 2 * Gmacs / (MedianMs / 1000);

    /// <summary>Per-item time over the reference's median (lower is faster); null without a reference.</summary>
    public double? RatioToReference => Reference is null ? null : PerItemMs / (Reference.MedianSeconds * 1000);

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>This machine's rate on one large square matmul: the floor no model stage can beat.</summary>
public sealed record MatmulRate(ScalarType DType, int Size, double MedianMs)
{
    /// <summary>2 n^3 / time, in GFLOP/s.</summary>
    public double GflopPerSecond => 2.0 * Size * Size * Size / (MedianMs / 1000) / 1e9;
}

/// <summary>What one <see cref="ModelBenchmark.Run"/> measured.</summary>
/// <param name="Tokens">Tokens per sentence (CLIP input length and UNet context length).</param>
/// <param name="Threads">libtorch's intra-op thread count during the run.</param>
/// <param name="BuildSeconds">Time to build the random-weight models (not part of any stage).</param>
/// <param name="PeakResidentBytes">Process peak RSS after the timed stages (VmHWM), when the OS reports it.</param>
/// <param name="GoldenAgreement">For bfloat16 runs given a golden case: its bfloat16-vs-float32 mask agreement.</param>
public sealed record ModelBenchmarkResult(
    ModelBenchmarkOptions Options,
    int ImageSize,
    int Tokens,
    int Threads,
    IReadOnlyList<StageTiming> Stages,
    IReadOnlyList<MatmulRate> Matmuls,
    PerfAnchor? VpdForwardReference,
    double BuildSeconds,
    long? PeakResidentBytes,
    BFloat16AgreementResult? GoldenAgreement)
{
    /// <summary>The stage named <paramref name="name"/>.</summary>
    public StageTiming Stage(string name) => Stages.Single(s => s.Name == name);

    /// <summary>Milliseconds per sentence: the per-sentence stages (CLIP, UNet, head) divided by the batch.</summary>
    public double PerSentenceMs => Stages.Where(s => s.Unit == StageUnit.Sentence).Sum(s => s.PerItemMs);

    /// <summary>Milliseconds per image with all its sentences: the per-image stages plus K sentences.</summary>
    public double PerImageMs => Stages.Where(s => s.Unit == StageUnit.Image).Sum(s => s.PerItemMs) + Options.Sentences * PerSentenceMs;

    /// <summary>
    /// The VPDRefer forward for one sentence as the reference timed it (VAE encoder + UNet + head, no CLIP),
    /// built from the per-item stage times.
    /// </summary>
    public double VpdForwardMs => Stages.Where(s => s.Name != ModelBenchmark.ClipStage).Sum(s => s.PerItemMs);
}
