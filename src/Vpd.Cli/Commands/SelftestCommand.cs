using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vpd.Cli.Common;
using Vpd.Tools.SelfTest;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd selftest [--golden DIR]</c>: runs every reference case of a golden folder and prints, per compared
/// tensor, the relative error (and the largest absolute error of attention maps) and PASS/FAIL; exit code 1
/// when any check fails.
/// </summary>
public static class SelftestCommand
{
    /// <summary>Environment variable naming the golden folder when <c>--golden</c> is not given.</summary>
    public const string GoldenDirVariable = "VPD_GOLDEN_DIR";

    // Snake case like the other machine-readable outputs; NaN errors (a forward producing NaN) stay representable.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Command Create()
    {
        var golden = new Option<string?>("--golden") { Description = $"Folder of golden reference files (default: ${GoldenDirVariable})" };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object instead of lines" };
        var command = new Command("selftest", "Check this build against golden reference outputs") { golden, json };
        command.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var dir = parseResult.GetValue(golden) ?? Environment.GetEnvironmentVariable(GoldenDirVariable)
                ?? throw new ArgumentException($"no golden folder: pass --golden DIR or set {GoldenDirVariable}");
            var io = parseResult.InvocationConfiguration;
            var asJson = parseResult.GetValue(json);
            var report = GoldenSelfTest.Run(dir, asJson ? null : check => io.Output.WriteLine(check.ToString()), cancellationToken);
            if (asJson)
            {
                io.Output.WriteLine(JsonSerializer.Serialize(new { report.Passed, report.Checks, report.SkippedCases }, JsonOptions));
                return Task.FromResult(report.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed);
            }
            foreach (var skipped in report.SkippedCases)
            {
                io.Output.WriteLine($"SKIP  {skipped}");
            }
            var failures = report.Failures;
            io.Output.WriteLine($"{report.Checks.Count} checks, {failures.Count} failed, {report.SkippedCases.Count} case(s) skipped");
            foreach (var failure in failures)
            {
                io.Error.WriteLine($"failed: {failure}");
            }
            return Task.FromResult(report.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed);
        });
        return command;
    }
}
