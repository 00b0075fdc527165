using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vpd.Core.Contracts;

/// <summary>
/// The one JSON setting for every contract (queue messages, manifest, metrics), so that writers and
/// readers never disagree: camelCase names, enums as camelCase strings, required members and
/// non-nullable annotations enforced on read, unknown members ignored (older readers of newer files).
/// </summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>The same settings, indented: for blobs that people read (manifest.json, metrics.json).</summary>
    public static JsonSerializerOptions IndentedOptions { get; } = Create(indented: true);

    /// <summary>
    /// Deserializes <paramref name="json"/> as <typeparamref name="T"/>.
    /// </summary>
    /// <param name="source">Where the text came from (blob name, "queue message"), quoted in the error.</param>
    /// <exception cref="InvalidDataException">Not JSON, or not of the contract's shape.</exception>
    public static T Parse<T>(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new InvalidDataException($"{source} holds JSON null, expected a {typeof(T).Name}");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }

    public static T Parse<T>(byte[] utf8Json, string source) => Parse<T>(System.Text.Encoding.UTF8.GetString(utf8Json), source);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
