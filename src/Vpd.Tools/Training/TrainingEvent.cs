using Vpd.Tools.Evaluation;

namespace Vpd.Tools.Training;

/// <summary>What a training run reports as it goes.</summary>
public abstract record TrainingEvent;

/// <summary>Setup: the frozen stem has encoded <paramref name="Images"/> of <paramref name="Total"/> training images.</summary>
public sealed record LatentsCached(int Images, int Total, TimeSpan Elapsed) : TrainingEvent;

/// <param name="Objects">Referred objects in the training split.</param>
/// <param name="StartEpoch">1-based epoch the run starts (or resumes) in.</param>
/// <param name="TrainableParameters">Number of trained scalars.</param>
/// <param name="CachedLatents">True when the frozen stem's latents were computed once up front.</param>
public sealed record TrainingStarted(
    int Objects, int StepsPerEpoch, long TotalSteps, int StartEpoch, long StartStep, long TrainableParameters, bool CachedLatents, TimeSpan SetupTime) : TrainingEvent;

/// <param name="Step">Optimizer steps done so far (1-based after this step).</param>
/// <param name="SamplesPerSecond">Throughput of this step.</param>
public sealed record StepCompleted(int Epoch, long Step, long TotalSteps, double Loss, double LearningRate, double SamplesPerSecond, TimeSpan Elapsed) : TrainingEvent;

/// <param name="Epoch">The epoch validated after (1-based); <paramref name="PartialEpoch"/> when the run stopped inside it.</param>
public sealed record ValidationCompleted(int Epoch, bool PartialEpoch, long Step, EvaluationReport Report, TimeSpan Elapsed) : TrainingEvent;

public sealed record CheckpointSaved(string Path, string Kind) : TrainingEvent;

/// <summary>The run stopped before its last epoch (time limit or cancellation); <c>--resume</c> continues it.</summary>
public sealed record TrainingStopped(string Reason, long Step) : TrainingEvent;
