using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Enqueue;

/// <summary>Everything <see cref="RunEnqueuer"/> needs to start (or resume) a run.</summary>
public sealed record EnqueueRequest
{
    public required string Run { get; init; }

    public required string Dataset { get; init; }

    public required string Split { get; init; }

    /// <summary>A local model file, or <c>sha256:&lt;hex&gt;</c> of one already in the models container.</summary>
    public required string Model { get; init; }

    public required string ModelKind { get; init; }

    /// <summary>The model config JSON from the model file's metadata.</summary>
    public required string ModelConfigJson { get; init; }

    public required int TokenLength { get; init; }

    public required int ImageSize { get; init; }

    public required int NoiseStep { get; init; }

    public required long NoiseSeed { get; init; }

    public string Dtype { get; init; } = "float32";

    /// <summary>Which objects' attention maps the workers store (<see cref="AttentionChoice"/>).</summary>
    public string Attention { get; init; } = AttentionChoice.None;

    public required string CodeVersion { get; init; }

    public required IReadOnlyList<ReferredObject> Objects { get; init; }

    /// <summary>Visibility delay of the first vpd-aggregate message.</summary>
    public TimeSpan FirstAggregateDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Parallel uploads.</summary>
    public int Parallelism { get; init; } = 8;
}
