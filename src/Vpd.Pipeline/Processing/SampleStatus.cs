namespace Vpd.Pipeline.Processing;

/// <summary>The two final states of a sentence in VpdSamples (column <c>Status</c>).</summary>
public static class SampleStatus
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
