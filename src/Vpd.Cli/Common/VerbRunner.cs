using System.CommandLine;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Pickle;

namespace Vpd.Cli.Common;

/// <summary>
/// Wraps a verb's body so that bad input ends in one readable line on stderr and
/// <see cref="ExitCodes.BadInput"/>, never a stack trace; anything else is a bug and propagates.
/// </summary>
public static class VerbRunner
{
    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await body(parseResult, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                parseResult.InvocationConfiguration.Error.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (IsBadInput(e))
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
    }

    private static bool IsBadInput(Exception e) =>
        e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException
            or FormatException or NotSupportedException
            // A checkpoint that does not fit the model, or a pickle refused before anything ran, is bad input too.
            or StateDictMismatchException or UnsafePickleException;
}
