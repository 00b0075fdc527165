namespace Vpd.Tools.Evaluation;

/// <summary>Reported after each referred object.</summary>
public sealed record EvaluationProgress(int ObjectsDone, int ObjectsTotal, long SentencesDone, TimeSpan Elapsed);
