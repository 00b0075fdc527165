using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vpd.Model.Config;

/// <summary>Typed reads of config JSON with errors that name the source and the field.</summary>
internal static class ConfigJson
{
    public static JsonObject ParseObject(string json, string source)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject
                ?? throw new InvalidDataException($"{source}: config is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: config is not valid JSON: {e.Message}", e);
        }
    }

    public static JsonObject Object(JsonObject obj, string name, string source) =>
        obj[name] as JsonObject ?? throw new InvalidDataException($"{source}: '{name}' is missing or not an object");

    public static int Int(JsonObject obj, string name, string source) => Read(obj, name, source, n => n.GetValue<int>());

    public static int IntOr(JsonObject obj, string name, int fallback, string source) =>
        obj.ContainsKey(name) ? Int(obj, name, source) : fallback;

    public static bool Bool(JsonObject obj, string name, string source) => Read(obj, name, source, n => n.GetValue<bool>());

    public static bool BoolOr(JsonObject obj, string name, bool fallback, string source) =>
        obj.ContainsKey(name) ? Bool(obj, name, source) : fallback;

    public static int[] Ints(JsonObject obj, string name, string source) =>
        Read(obj, name, source, n => n.AsArray().Select(e => e!.GetValue<int>()).ToArray());

    public static JsonArray Array(IEnumerable<int> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static T Read<T>(JsonObject obj, string name, string source, Func<JsonNode, T> read)
    {
        var node = obj[name] ?? throw new InvalidDataException($"{source}: '{name}' is missing");
        try
        {
            return read(node);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InvalidDataException($"{source}: '{name}' has an unexpected value {node.ToJsonString()}", e);
        }
    }
}
