using Vpd.Core.Attention;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Core.Metrics;
using Vpd.Core.Synthetic;
using Vpd.Reports.Figures;
using Vpd.Reports.Report;

namespace Vpd.Reports.Tests;

/// <summary>One referring sentence of a generated RefShapes val split: ids, text, image and truth (S = 128).</summary>
internal sealed record SyntheticSample(string RefId, int SentenceIndex, long SentId, string Text, string ImageId, RgbImage Image, BinaryMask Truth)
{
    public SampleKey Key => new(RefId, SentenceIndex);

    public SampleView View => new(Image, Truth, Text, $"ref {RefId} \u00b7 sent {SentId}");
}

/// <summary>
/// A demo-sized run built without a model: RefShapes images and truths the test generates, predictions made by
/// shifting the truth (a different shift per run, so runs disagree), a few empty predictions, a few failed
/// sentences, and synthetic attention maps whose peak sits on the object. Metrics are computed from the rows the
/// way the aggregator does (IouAccumulator, Percentiles), so a report's numbers can be checked against them.
/// </summary>
internal static class SyntheticRun
{
    public const int Size = 128;
    public const int TokenLength = 16;

    private static readonly Lazy<IReadOnlyList<SyntheticSample>> AllSamples = new(Build);

    public static IReadOnlyList<SyntheticSample> Samples => AllSamples.Value;

    /// <summary>A run over the first <paramref name="count"/> samples. <paramref name="variant"/> changes the shifts (think: another noise step).</summary>
    public static (ReportRun Run, IReadOnlyDictionary<SampleKey, SamplePrediction> Predictions) Make(
        string runId, int noiseStep, int variant, int count = 60, bool withAttention = true)
    {
        var rows = new List<SentenceRow>();
        var predictions = new Dictionary<SampleKey, SamplePrediction>();
        var samples = Samples.Take(count).ToList();
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            var ms = 150 + ((i * 37 + variant * 11) % 90);
            if ((i + variant) % 23 == 7)
            {
                var error = i % 2 == 0
                    ? $"inputs/refshapes/images/{s.ImageId}.jpg: cannot decode image: truncated JPEG data"
                    : "the sentence is empty after cleaning";
                rows.Add(new SentenceRow(s.RefId, s.SentenceIndex, s.SentId, s.Text, s.ImageId, SentenceStatus.Failed, 0, 0, null, ms, error));
                predictions[s.Key] = new SamplePrediction(null, null, Error: error);
                continue;
            }
            var mask = Predict(s, i, variant);
            var counts = IouCounts.Compute(mask, s.Truth);
            var attention = withAttention ? Attention(s, i) : null;
            rows.Add(new SentenceRow(s.RefId, s.SentenceIndex, s.SentId, s.Text, s.ImageId, SentenceStatus.Succeeded,
                counts.Intersection, counts.Union, counts.Iou, ms, null, HasAttention: attention is not null));
            predictions[s.Key] = new SamplePrediction(mask, counts.Iou, attention);
        }
        var manifest = Manifest(runId, noiseStep, samples.Count);
        return (new ReportRun(manifest, Metrics(manifest, rows), rows), predictions);
    }

    public static RunManifest Manifest(string runId, int noiseStep, long expected) => new()
    {
        Run = runId,
        Model = new ModelSpec("vpd-tiny", "{}", $"{new string('a', 64)}.safetensors", new string('a', 64)),
        Settings = new RunSettings("refshapes", "val", Size, TokenLength, noiseStep, 42),
        ExpectedSentences = expected,
        ExpectedObjects = expected,
        ObjectsSha256 = new string('d', 64),
        CodeVersion = "1.0.0+test",
        CreatedUtc = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
    };

    /// <summary>The metrics the aggregator would write for these rows.</summary>
    public static RunMetrics Metrics(RunManifest manifest, IReadOnlyList<SentenceRow> rows)
    {
        var accumulator = new IouAccumulator();
        var latencies = new List<double>();
        foreach (var row in rows.Where(r => r.Status == SentenceStatus.Succeeded))
        {
            accumulator.Add(row.I, row.U);
            latencies.Add(row.Ms ?? 0);
        }
        var failed = rows.Count(r => r.Status == SentenceStatus.Failed);
        var succeeded = rows.Count - failed;
        return new RunMetrics
        {
            Run = manifest.Run,
            State = RunState.Complete,
            Counts = new SentenceCounts(manifest.ExpectedSentences, succeeded, failed, Math.Max(0, manifest.ExpectedSentences - rows.Count)),
            OverallIou = accumulator.OverallIou,
            MeanIou = accumulator.MeanIou,
            Precision = accumulator.PrecisionByThreshold(),
            CumI = accumulator.SumIntersection,
            CumU = accumulator.SumUnion,
            ThroughputSentencesPerSecond = 6.25,
            LatencyMs = new LatencyPercentiles(Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 90), Percentiles.Of(latencies, 99)),
            StartedUtc = manifest.CreatedUtc,
            UpdatedUtc = manifest.CreatedUtc.AddMinutes(2),
            CompletedUtc = manifest.CreatedUtc.AddMinutes(2),
            ManifestSha256 = new string('b', 64),
        };
    }

    /// <summary>The truth shifted by a per-sample offset; every 9th prediction is empty, every 7th exact.</summary>
    private static BinaryMask Predict(SyntheticSample s, int i, int variant)
    {
        if ((i + variant) % 9 == 4)
        {
            return new BinaryMask(Size, Size);
        }
        var shift = (i + variant) % 7 == 0 ? 0 : 1 + ((i * 5 + variant * 3) % 12);
        var (dx, dy) = (i % 2 == 0 ? shift : -shift / 2, i % 3 == 0 ? shift / 2 : -shift);
        var pixels = new byte[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var (sx, sy) = (x - dx, y - dy);
                if (sx >= 0 && sy >= 0 && sx < Size && sy < Size)
                {
                    pixels[(y * Size) + x] = s.Truth.Pixels[(sy * Size) + sx];
                }
            }
        }
        return new BinaryMask(Size, Size, pixels);
    }

    /// <summary>Maps at S/32 and S/16 (4 and 8 cells): text tokens peak on the object's centre, SOS spread out, padding faint.</summary>
    public static AttentionMaps Attention(SyntheticSample s, int seed)
    {
        var words = s.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(TokenLength - 2).ToList();
        var tokens = new List<string> { "<|startoftext|>" };
        tokens.AddRange(words);
        tokens.Add("<|endoftext|>");
        var roles = new List<TokenRole> { TokenRole.Start };
        roles.AddRange(words.Select(_ => TokenRole.Text));
        roles.Add(TokenRole.End);
        while (tokens.Count < TokenLength)
        {
            tokens.Add("<|endoftext|>");
            roles.Add(TokenRole.Padding);
        }
        var (cx, cy) = Centre(s.Truth);
        var random = new Random(seed);
        var levels = new Dictionary<int, float[]>();
        foreach (var side in new[] { 4, 8 })
        {
            var values = new float[TokenLength * side * side];
            for (var t = 0; t < TokenLength; t++)
            {
                var spread = roles[t] == TokenRole.Text ? 0.6 + (0.3 * t) : 3.0;
                for (var y = 0; y < side; y++)
                {
                    for (var x = 0; x < side; x++)
                    {
                        var (mx, my) = ((x + 0.5) * Size / side, (y + 0.5) * Size / side);
                        var d2 = (Math.Pow(mx - cx, 2) + Math.Pow(my - cy, 2)) / Math.Pow(Size / side * spread, 2);
                        var weight = roles[t] == TokenRole.Padding ? 0.02 : 1.0;
                        values[(t * side * side) + (y * side) + x] = (float)((weight * Math.Exp(-d2)) + (0.02 * random.NextDouble()));
                    }
                }
            }
            levels[side] = values;
        }
        return new AttentionMaps(tokens, roles, levels);
    }

    private static (double X, double Y) Centre(BinaryMask mask)
    {
        double sx = 0, sy = 0, n = 0;
        for (var y = 0; y < mask.Height; y++)
        {
            for (var x = 0; x < mask.Width; x++)
            {
                if (mask[x, y])
                {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        return n == 0 ? (mask.Width / 2.0, mask.Height / 2.0) : (sx / n, sy / n);
    }

    private static List<SyntheticSample> Build()
    {
        var dataset = RefShapesGenerator.Generate(new RefShapesOptions { Seed = 11, TrainImages = 0, ValImages = 40, TestAImages = 0, TestBImages = 0 });
        var samples = new List<SyntheticSample>();
        foreach (var image in dataset.Images)
        {
            foreach (var obj in image.Objects.Where(o => o.RefId is not null))
            {
                for (var k = 0; k < obj.Sentences.Count; k++)
                {
                    var (sentId, text) = obj.Sentences[k];
                    samples.Add(new SyntheticSample(obj.RefId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), k, sentId, text,
                        image.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), image.Pixels, obj.Mask));
                }
            }
        }
        return samples;
    }
}
