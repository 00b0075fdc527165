using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vpd.Core.Contracts;

/// <summary>
/// runs/{run}/manifest.json: everything a run's results depend on. Two runs with equal manifests (apart from run id
/// and creation time) give the same masks on the same kind of device. The device is not here: it belongs to the host
/// that runs the worker (its configuration), and each result row records it.
/// </summary>
public sealed record RunManifest
{
    /// <summary>2: the user's choices as one <see cref="RunSettings"/>, the sentence set (<see cref="ObjectsSha256"/>); the device left for the host.</summary>
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Run { get; init; }

    public required RunSettings Settings { get; init; }

    public required ModelSpec Model { get; init; }

    public required long ExpectedSentences { get; init; }

    public required long ExpectedObjects { get; init; }

    /// <summary>SHA-256 of runs/{run}/objects.json, the run's sentence set (<see cref="RunObjects"/>).</summary>
    public required string ObjectsSha256 { get; init; }

    public required string CodeVersion { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    [JsonIgnore]
    public string Dataset => Settings.Dataset;

    [JsonIgnore]
    public string Split => Settings.Split;

    [JsonIgnore]
    public int ImageSize => Settings.ImageSize;

    [JsonIgnore]
    public int TokenLength => Settings.TokenLength;

    [JsonIgnore]
    public int NoiseStep => Settings.NoiseStep;

    [JsonIgnore]
    public long NoiseSeed => Settings.NoiseSeed;

    [JsonIgnore]
    public string Dtype => Settings.Dtype;

    [JsonIgnore]
    public string Attention => Settings.Attention;

    /// <summary>The manifest as stored (indented UTF-8 JSON).</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ContractJson.IndentedOptions);

    /// <summary>Lowercase hex SHA-256 of <paramref name="utf8Json"/>, the stored manifest's bytes.</summary>
    public static string Sha256Of(byte[] utf8Json) => Convert.ToHexStringLower(SHA256.HashData(utf8Json));

    /// <exception cref="InvalidDataException">Not a manifest, or values out of range.</exception>
    /// <exception cref="InvalidIdException">An invalid run or dataset id.</exception>
    public static RunManifest Parse(byte[] utf8Json, string source)
    {
        // The version first: an older manifest's shape would fail the contract before it could say why.
        var version = VersionOf(utf8Json);
        if (version != CurrentSchemaVersion)
        {
            throw new InvalidDataException(
                $"{source} has schemaVersion {version}, this code reads {CurrentSchemaVersion}" +
                (version < CurrentSchemaVersion ? ": the run was enqueued by an older vpd; enqueue it again under a new run id" : string.Empty));
        }
        var manifest = ContractJson.Parse<RunManifest>(utf8Json, source);
        manifest.Validate(source);
        return manifest;
    }

    public void Validate(string source)
    {
        Ids.Validate(Run, "run");
        Ids.ValidateSha256(Model.Sha256, "model sha256");
        Ids.ValidateSha256(ObjectsSha256, "objectsSha256");
        Settings.Validate(source);
        if (SchemaVersion != CurrentSchemaVersion || ExpectedSentences < 0 || ExpectedObjects < 0)
        {
            throw new InvalidDataException(
                $"{source} has schemaVersion {SchemaVersion} (this code writes {CurrentSchemaVersion}) or negative counts " +
                $"(expectedSentences {ExpectedSentences}, expectedObjects {ExpectedObjects})");
        }
    }

    private static int VersionOf(byte[] utf8Json)
    {
        try
        {
            using var doc = JsonDocument.Parse(utf8Json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("schemaVersion", out var v) && v.TryGetInt32(out var n)
                ? n
                : CurrentSchemaVersion;
        }
        catch (JsonException)
        {
            // Not JSON: the contract's own parse says so.
            return CurrentSchemaVersion;
        }
    }
}
