using Vpd.Core.Attention;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;
using Vpd.Reports.Figures;
using Vpd.Reports.Report;

namespace Vpd.Pipeline.Reports;

/// <summary>
/// What the report and the figure verbs read of stored runs: each run's manifest, metrics and result rows as the
/// report library takes them, and, for chosen sentences, the picture inputs (the image as the model saw it, the
/// truth, the stored mask and attention maps). Nothing is inferred: only what the run stored is drawn.
/// </summary>
public sealed class RunPictures(PipelineStorage storage)
{
    /// <summary>A run's manifest, metrics and the rows of its own sentences (foreign rows are not the run's).</summary>
    /// <exception cref="ArgumentException">Unknown run, or a run without metrics yet.</exception>
    public async Task<ReportRun> LoadRunAsync(string run, string? label, CancellationToken cancellationToken)
    {
        var stored = await storage.Runs.FindManifestAsync(run, cancellationToken)
            ?? throw new ArgumentException($"unknown run '{run}': no manifest in {storage.Description}");
        var metrics = await storage.Runs.FindMetricsAsync(run, cancellationToken)
            ?? throw new ArgumentException($"run '{run}' has no metrics yet: they appear after its first aggregation (`vpd aggregate --run {run}`)");
        var objects = await storage.Runs.GetObjectsAsync(stored, cancellationToken);
        var expected = objects.SampleIds().ToHashSet();
        var rows = new List<SentenceRow>();
        await foreach (var row in storage.Samples.ReadRunAsync(run, summaryOnly: false, cancellationToken))
        {
            if (expected.Contains(row.Id))
            {
                rows.Add(ToSentenceRow(row));
            }
        }
        return new ReportRun(stored.Manifest, metrics, rows, label);
    }

    /// <summary>The pictures <paramref name="plan"/> asks for; one that cannot be loaded is recorded with its reason.</summary>
    public async Task<ReportPictures> LoadAsync(ReportPlan plan, CancellationToken cancellationToken)
    {
        var pictures = new ReportPictures();
        foreach (var request in plan.Pictures)
        {
            var run = plan.Runs.First(r => r.Name == request.Run);
            var key = request.Row.Key;
            try
            {
                var (sample, prediction) = await LoadAsync(run, request.Row, request.WithAttention, cancellationToken);
                pictures.Add(run.Name, key, sample, prediction);
            }
            catch (InvalidDataException e)
            {
                pictures.AddUnavailable(run.Name, key, e.Message);
            }
        }
        return pictures;
    }

    /// <summary>One sentence's picture inputs: the sample as the model saw it and the run's prediction.</summary>
    /// <exception cref="InvalidDataException">An input, mask or attention blob is missing or unreadable.</exception>
    public async Task<(SampleView Sample, SamplePrediction Prediction)> LoadAsync(
        ReportRun run, SentenceRow row, bool withAttention, CancellationToken cancellationToken)
    {
        var sample = await SampleAsync(run.Manifest, row.Key, cancellationToken);
        if (row.Status != SentenceStatus.Succeeded)
        {
            return (sample, new SamplePrediction(null, null, null, row.Error));
        }
        var id = new SampleId(row.RefId, row.SentenceIndex);
        var mask = await storage.Runs.ReadMaskAsync(run.Name, id, run.Manifest.ImageSize, cancellationToken);
        AttentionMaps? attention = null;
        if (withAttention && row.HasAttention)
        {
            attention = await AttentionAsync(run.Name, id, cancellationToken)
                ?? throw new InvalidDataException($"attention maps {storage.Runs.AttentionName(run.Name, id)} not found");
        }
        return (sample, new SamplePrediction(mask, row.Score, attention));
    }

    /// <summary>The sentence's image at S x S, its truth and its text, from the run's inputs.</summary>
    /// <exception cref="InvalidDataException">Not a sentence of the run, or an input missing or unreadable.</exception>
    public async Task<SampleView> SampleAsync(RunManifest manifest, SampleKey key, CancellationToken cancellationToken)
    {
        var stored = await storage.Runs.GetManifestAsync(manifest.Run, cancellationToken);
        var objects = await storage.Runs.GetObjectsAsync(stored, cancellationToken);
        var item = objects.Find(key.RefId)
            ?? throw new InvalidDataException($"refId '{key.RefId}' is not in run '{manifest.Run}'");
        var sentence = item.Sentences.FirstOrDefault(s => s.Index == key.SentenceIndex)
            ?? throw new InvalidDataException($"refId '{key.RefId}' of run '{manifest.Run}' has no sentence {key.SentenceIndex}");
        var image = await storage.Inputs.ReadImageAsync(manifest.Dataset, item.ImageId, item.ImageSha256, cancellationToken);
        var truth = await storage.Inputs.ReadTruthAsync(manifest.Dataset, manifest.ImageSize, item.RefId, item.TruthSha256, cancellationToken);
        return new SampleView(image, truth, sentence.Text, $"ref {item.RefId}, sentence {sentence.Index}");
    }

    /// <summary>The sentence's stored attention maps, or null when the run did not store them.</summary>
    /// <exception cref="InvalidDataException">The blob is not a valid attention blob.</exception>
    public async Task<AttentionMaps?> AttentionAsync(string run, SampleId id, CancellationToken cancellationToken) =>
        await storage.Runs.FindAttentionAsync(run, id, cancellationToken) is { } blob
            ? AttentionBlob.Decode(blob, storage.Runs.AttentionName(run, id))
            : null;

    private static SentenceRow ToSentenceRow(SampleRow row) => new(
        row.Id.RefId,
        row.Id.Index,
        row.SentId,
        row.Text,
        row.ImageId,
        row.Status == SampleStatus.Succeeded ? SentenceStatus.Succeeded : SentenceStatus.Failed,
        row.Intersection,
        row.Union,
        row.Status == SampleStatus.Succeeded ? row.Iou : null,
        row.Ms,
        row.Error,
        row.HasAttention,
        row.Device);
}
