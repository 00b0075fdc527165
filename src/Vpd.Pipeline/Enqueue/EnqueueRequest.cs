using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Enqueue;

/// <summary>The model a run uses, as the user names it: a local file or <c>sha256:&lt;hex&gt;</c> of one already stored, with what its metadata says.</summary>
/// <param name="Kind">Model kind, e.g. "vpd-sd15" or "vpd-tiny"; "threshold" for the model-free segmenter.</param>
/// <param name="ConfigJson">The model config JSON from the model file's metadata.</param>
public sealed record ModelChoice(string Model, string Kind, string ConfigJson);

/// <summary>Everything <see cref="RunEnqueuer"/> needs to start (or resume) a run.</summary>
/// <param name="Settings">What the run pins; stored in its manifest as given.</param>
/// <param name="CodeVersion">The product version, recorded in the manifest.</param>
/// <param name="FirstAggregateDelay">Visibility delay of the first vpd-aggregate message.</param>
/// <param name="Parallelism">Parallel uploads.</param>
public sealed record EnqueueRequest(
    string Run, RunSettings Settings, ModelChoice Model, IReadOnlyList<ReferredObject> Objects, string CodeVersion,
    TimeSpan? FirstAggregateDelay = null, int Parallelism = 8)
{
    public static TimeSpan DefaultFirstAggregateDelay { get; } = TimeSpan.FromSeconds(30);
}
