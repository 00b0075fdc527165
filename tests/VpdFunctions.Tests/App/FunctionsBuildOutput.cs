using System.Text.Json.Nodes;
using Vpd.TestSupport;

namespace VpdFunctions.Tests.App;

/// <summary>
/// Finds what the Functions SDK wrote at build time: <c>functions.metadata</c> beside VpdFunctions.dll in
/// this test's output (when copied) or in the app's own build output of the same configuration.
/// </summary>
internal static class FunctionsBuildOutput
{
    public const string MetadataFileName = "functions.metadata";

    public static string MetadataPath()
    {
        var testOutput = AppContext.BaseDirectory;
        var candidates = new List<string> { Path.Combine(testOutput, MetadataFileName) };
        // bin/{Configuration}/{TargetFramework}/ of the test project maps onto the app's own.
        var framework = new DirectoryInfo(testOutput.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var configuration = Directory.GetParent(testOutput.TrimEnd(Path.DirectorySeparatorChar))!.Name;
        candidates.Add(Path.Combine(RepoPaths.Root, "src", "VpdFunctions", "bin", configuration, framework, MetadataFileName));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"{MetadataFileName} not found (looked at {string.Join(", ", candidates)}): build src/VpdFunctions first");
    }

    /// <summary>The function entries, by name.</summary>
    public static IReadOnlyDictionary<string, JsonObject> Functions() => Functions(MetadataPath());

    /// <summary>The function entries of the <c>functions.metadata</c> at <paramref name="metadataPath"/>, by name.</summary>
    public static IReadOnlyDictionary<string, JsonObject> Functions(string metadataPath)
    {
        var root = JsonNode.Parse(File.ReadAllText(metadataPath)) as JsonArray
            ?? throw new InvalidDataException($"{metadataPath} is not a JSON array");
        return root.OfType<JsonObject>().ToDictionary(f => (string)f["name"]!, f => f);
    }

    public static string HostJsonPath() => Path.Combine(RepoPaths.Root, "src", "VpdFunctions", "host.json");
}
