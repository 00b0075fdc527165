using System.CommandLine;
using Azure;
using Azure.Identity;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Pickle;

namespace Vpd.Cli.Common;

/// <summary>
/// Wraps a verb's body so that every expected failure ends in one readable line on stderr and a named exit code,
/// never a stack trace: bad input (<see cref="ExitCodes.BadInput"/>), unreachable storage or a missing credential
/// (<see cref="ExitCodes.Unavailable"/>). Anything else is a bug and propagates.
/// </summary>
public static class VerbRunner
{
    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                return await body(parseResult, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                error.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (IsBadInput(e))
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (UnavailableReason(e) is { } reason)
            {
                error.WriteLine($"error: {reason}");
                return ExitCodes.Unavailable;
            }
        });
    }

    private static bool IsBadInput(Exception e) =>
        e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException
            or FormatException or NotSupportedException
            // A checkpoint that does not fit the model, or a pickle refused before anything ran, is bad input too.
            or StateDictMismatchException or UnsafePickleException;

    /// <summary>One line saying what is unreachable or missing and what to do; null for other exceptions.</summary>
    internal static string? UnavailableReason(Exception e) => e switch
    {
        CredentialUnavailableException or AuthenticationFailedException =>
            $"no Azure credential for the storage account ({FirstLine(e.Message)}): sign in with `az login`, or run where a managed identity is assigned",
        RequestFailedException { Status: 0 } or HttpRequestException =>
            $"storage unreachable ({FirstLine(e.Message)}): is Azurite running (`vpd demo` starts one), or are --connection / --account / {StorageOptions.ConnectionVariable} right?",
        RequestFailedException { Status: 401 or 403 } failed =>
            $"storage refused access ({failed.Status} {failed.ErrorCode}): the identity needs the Storage Blob, Queue and Table data roles (docs/deploy.md)",
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(i => UnavailableReason(i) is not null) =>
            UnavailableReason(aggregate.InnerExceptions[^1]),
        _ => null,
    };

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= 200 ? line : line[..200] + "...";
    }
}
