namespace Vpd.Pipeline.Enqueue;

/// <summary>Progress of <see cref="RunEnqueuer"/>: a stage name and how far it is.</summary>
/// <param name="Stage">"images", "truth" or "messages".</param>
public sealed record EnqueueProgress(string Stage, int Done, int Total);

/// <summary>What an enqueue did.</summary>
/// <param name="SentencesEnqueued">Sentences in the messages sent: on a rerun, exactly those without a result.</param>
public sealed record EnqueueResult(
    string ManifestSha256,
    string ModelSha256,
    bool ManifestExisted,
    int ImagesUploaded,
    int ImagesSkipped,
    int TruthUploaded,
    int TruthSkipped,
    int ObjectsEnqueued,
    int ObjectsSkipped,
    long SentencesEnqueued);
