using System.Diagnostics;
using Vpd.TestSupport;

namespace VpdFunctions.Tests.Infra;

/// <summary>Output of one Bicep CLI command.</summary>
public sealed record BicepResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Everything the CLI printed; empty for a clean build or snapshot.</summary>
    public string Output => (StdOut + StdErr).Trim();
}

/// <summary>
/// The pinned Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (the same binary
/// build/lint-bicep.sh uses). Restored through tools/bicep/BicepCli.csproj when it is not yet in the
/// NuGet cache.
/// </summary>
internal static class BicepCli
{
    public const string Version = "0.49.2";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly Lazy<string> LazyPath = new(Locate);

    public static string ExecutablePath => LazyPath.Value;

    public static BicepResult Run(string workingDirectory, params string[] arguments)
        => RunProcess(ExecutablePath, workingDirectory, arguments);

    private static string Locate()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }
        var binary = Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        if (!File.Exists(binary))
        {
            var project = Path.Combine(RepoPaths.Root, "tools", "bicep", "BicepCli.csproj");
            var restore = RunProcess("dotnet", RepoPaths.Root, "restore", project, "--nologo", "-v:q");
            if (restore.ExitCode != 0 || !File.Exists(binary))
            {
                throw new InvalidOperationException(
                    $"Bicep CLI {Version} not found at {binary}. Restore it with `dotnet restore tools/bicep/BicepCli.csproj` " +
                    $"(NuGet package Azure.Bicep.CommandLine.linux-x64 {Version}). Restore said: {restore.Output}");
            }
        }
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(binary).HasFlag(UnixFileMode.UserExecute))
        {
            // A package extracted without its mode bits: the CLI must be executable to run.
            File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute);
        }
        return binary;
    }

    private static BicepResult RunProcess(string fileName, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // main.bicepparam reads these deploy-time overrides; the tests check the file's own defaults.
        start.Environment.Remove("VPD_DEPLOY_IMAGE");
        start.Environment.Remove("VPD_DEPLOY_GPU_PROFILE");
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {Timeout}");
        }
        return new BicepResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
