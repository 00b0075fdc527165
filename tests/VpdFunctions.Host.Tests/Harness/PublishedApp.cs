using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Vpd.TestSupport;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// The Functions app as the CPU container ships it: <c>src/VpdFunctions/Dockerfile.cpu</c>'s own
/// <c>dotnet publish</c> command, run once into a temporary folder, and the environment that Dockerfile's
/// runtime stage sets. The harness starts the worker from this folder, never from the build output.
/// </summary>
public sealed partial class PublishedApp : IAsyncLifetime
{
    private string? _directory;

    /// <summary>The publish output: the container's <c>/home/site/wwwroot</c>.</summary>
    public string Directory => _directory ?? throw new InvalidOperationException("the app is not published yet");

    /// <summary>The <c>ENV</c> of the Dockerfile's runtime stage, as the container's processes see it.</summary>
    public IReadOnlyDictionary<string, string> ContainerEnvironment { get; private set; } = new Dictionary<string, string>();

    public WorkerConfig Worker { get; private set; } = null!;

    public HostQueueSettings Queues { get; private set; } = null!;

    public string File(string name) => Path.Combine(Directory, name);

    public async Task InitializeAsync()
    {
        var dockerfile = System.IO.File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "VpdFunctions", "Dockerfile.cpu"));
        var publish = PublishLine().Match(dockerfile);
        if (!publish.Success)
        {
            throw new InvalidDataException("src/VpdFunctions/Dockerfile.cpu has no `RUN dotnet publish ... -o DIR` line");
        }
        _directory = Path.Combine(Path.GetTempPath(), $"vpd-host-harness-app-{Guid.NewGuid():N}");
        var arguments = publish.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        arguments.AddRange(["-o", _directory, "-nologo", "-v:q"]);
        await RunDotnetAsync(arguments);

        ContainerEnvironment = RuntimeStageEnvironment(dockerfile);
        Worker = WorkerConfig.Read(File("worker.config.json"));
        Queues = HostQueueSettings.Read(File("host.json"));
    }

    public Task DisposeAsync()
    {
        if (_directory is not null && System.IO.Directory.Exists(_directory))
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A worker still holding a file must not fail the run; the folder is in the temp dir.
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>The function entries of the published <c>functions.metadata</c>, by name.</summary>
    public IReadOnlyDictionary<string, JsonObject> FunctionsMetadata()
    {
        var root = JsonNode.Parse(System.IO.File.ReadAllText(File("functions.metadata"))) as JsonArray
            ?? throw new InvalidDataException("functions.metadata is not a JSON array");
        return root.OfType<JsonObject>().ToDictionary(f => (string)f["name"]!, f => f);
    }

    // The `ENV` instructions after the last FROM (the runtime image), continuation lines joined.
    private static Dictionary<string, string> RuntimeStageEnvironment(string dockerfile)
    {
        var joined = dockerfile.Replace("\\\n", " ", StringComparison.Ordinal);
        var stages = joined.Split("\nFROM ", StringSplitOptions.None);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match env in EnvLine().Matches(stages[^1]))
        {
            foreach (Match pair in EnvPair().Matches(env.Groups["pairs"].Value))
            {
                environment[pair.Groups["key"].Value] = pair.Groups["value"].Value;
            }
        }
        return environment;
    }

    private static async Task RunDotnetAsync(IReadOnlyList<string> arguments)
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
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"dotnet {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await stdout}{await stderr}");
        }
    }

    // The Dockerfile's publish command, with its `-o` target cut off (the harness publishes elsewhere).
    [GeneratedRegex(@"RUN dotnet (?<args>publish [^\n]*?) -o \S+")]
    private static partial Regex PublishLine();

    [GeneratedRegex(@"^ENV\s+(?<pairs>.+)$", RegexOptions.Multiline)]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>\S*)")]
    private static partial Regex EnvPair();
}
