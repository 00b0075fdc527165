using System.Text.Json;
using System.Text.RegularExpressions;

namespace VpdFunctions.Tests.Infra;

/// <summary>The resources a `bicep snapshot` predicts, with lookups the infra tests share.</summary>
public sealed partial class DeploymentSnapshot(JsonElement root, string parameterFile)
{
    public string ParameterFile { get; } = parameterFile;

    public IReadOnlyList<JsonElement> Resources { get; } =
        [.. root.GetProperty("predictedResources").EnumerateArray()];

    public JsonElement Outputs { get; } = root.GetProperty("outputs");

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of a type; fails naming the type when there are none or several.</summary>
    public JsonElement Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"{ParameterFile}: expected exactly one {type}, found {matches.Count}");
        return matches[0];
    }

    /// <summary>Last segment of a resource name ("account/default/queue" gives "queue").</summary>
    public static string LeafName(JsonElement resource) =>
        resource.GetProperty("name").GetString()!.Split('/')[^1];

    public static string Id(JsonElement resource) => resource.GetProperty("id").GetString()!;

    /// <summary>
    /// The resource id inside an unevaluated runtime lookup such as
    /// <c>[reference('/subscriptions/.../userAssignedIdentities/x', '2024-11-30').principalId]</c>,
    /// or null when the value is not exactly a reference to that property.
    /// </summary>
    public static string? ReferencedId(string? expression, string property)
    {
        if (expression is null)
        {
            return null;
        }
        var match = ReferencePattern().Match(expression);
        return match.Success && match.Groups["property"].Value == property ? match.Groups["id"].Value : null;
    }

    [GeneratedRegex(@"^\[reference\('(?<id>[^']+)', '[^']+'\)\.(?<property>[A-Za-z]+)\]$")]
    private static partial Regex ReferencePattern();
}
