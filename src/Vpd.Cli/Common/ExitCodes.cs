namespace Vpd.Cli.Common;

/// <summary>Exit codes every verb returns, so scripts can tell a failed check from bad input (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran but what it checks failed (a selftest case, an incomplete run).</summary>
    public const int CheckFailed = 1;

    /// <summary>Bad input: a missing file, a malformed checkpoint, an invalid option value.</summary>
    public const int BadInput = 2;

    /// <summary>Storage unreachable, or no credential for it: nothing wrong with the input, the environment is not ready.</summary>
    public const int Unavailable = 3;

    /// <summary>Interrupted by the user (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
