namespace Vpd.Core.Contracts;

/// <summary>Where a run stands: still being processed, every sentence accounted for, or given up on.</summary>
public enum RunState
{
    Running,
    Complete,
    Stalled,
}
