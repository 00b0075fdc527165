using System.Diagnostics;
using System.Text.RegularExpressions;
using Vpd.TestSupport;

namespace VpdFunctions.Tests.App;

/// <summary>
/// The CPU container (src/VpdFunctions/Dockerfile.cpu) must ship the app these tests exercise. Docker cannot
/// run here, so this runs the Dockerfile's own `dotnet publish` command into a temporary folder and checks
/// the published trigger metadata and the patched native library.
/// </summary>
public sealed partial class CpuContainerPublishTests
{
    [Fact]
    public void DockerfileCpuPublish_Output_DeclaresThePipelineTriggersAndCarriesCpuLibTorch()
    {
        var dockerfile = Path.Combine(RepoPaths.Root, "src", "VpdFunctions", "Dockerfile.cpu");
        var command = PublishLine().Match(File.ReadAllText(dockerfile));
        Assert.True(command.Success, $"{dockerfile} has no `RUN dotnet publish ... -o DIR` line");
        using var output = new TempDir("vpd-publish");

        var arguments = command.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        arguments.AddRange(["-o", output.Path, "-nologo", "-v:q"]);
        var (exitCode, log) = RunDotnet(arguments);

        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed:\n{log}");
        var published = FunctionsBuildOutput.Functions(Path.Combine(output.Path, FunctionsBuildOutput.MetadataFileName));
        Assert.Equal(FunctionsBuildOutput.Functions().Keys.Order(StringComparer.Ordinal), published.Keys.Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(output.Path, "host.json")), "host.json not published");
        Assert.NotEmpty(Directory.GetFiles(output.Path, "libtorch_cpu.so", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.GetFiles(output.Path, "libLibTorchSharp.so", SearchOption.AllDirectories));
        // The container ships the runtime only: training, import, benchmarks and the self-test stay with the CLI.
        Assert.True(File.Exists(Path.Combine(output.Path, "Vpd.Model.dll")), "Vpd.Model.dll not published");
        Assert.False(File.Exists(Path.Combine(output.Path, "Vpd.Tools.dll")), "Vpd.Tools.dll must not ship in the Functions container");
    }

    // The Dockerfile's publish command, with its `-o` target cut off (the test publishes elsewhere).
    [GeneratedRegex(@"RUN dotnet (?<args>publish [^\n]*?) -o \S+")]
    private static partial Regex PublishLine();

    private static (int ExitCode, string Log) RunDotnet(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
