using System.Security.Cryptography;
using System.Text.Json;

namespace Vpd.Core.Contracts;

/// <summary>
/// runs/{run}/manifest.json: everything a run's results depend on. Two runs with equal manifests
/// (apart from run id and creation time) give the same masks on the same kind of device. The device is not
/// here: it belongs to the host that runs the worker (its configuration), and each result row records it.
/// </summary>
public sealed record RunManifest
{
    /// <summary>2: the sentence set (<see cref="ObjectsSha256"/>) and the attention choice; the device left for the host.</summary>
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Run { get; init; }

    public required ModelSpec Model { get; init; }

    /// <summary>Text token length the model was built for (CLIP context).</summary>
    public required int TokenLength { get; init; }

    /// <summary>Evaluation resolution S: images are resized to S x S, masks are S x S.</summary>
    public required int ImageSize { get; init; }

    public required int NoiseStep { get; init; }

    public required long NoiseSeed { get; init; }

    public required string Dataset { get; init; }

    public required string Split { get; init; }

    public required long ExpectedSentences { get; init; }

    public required long ExpectedObjects { get; init; }

    /// <summary>SHA-256 of runs/{run}/objects.json, the run's sentence set (<see cref="RunObjects"/>).</summary>
    public required string ObjectsSha256 { get; init; }

    /// <summary>Which sentences' cross-attention maps the workers store (<see cref="AttentionChoice"/>; "none" by default).</summary>
    public string Attention { get; init; } = AttentionChoice.None;

    /// <summary>"float32" or "bfloat16".</summary>
    public required string Dtype { get; init; }

    public required string CodeVersion { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The manifest as stored (indented UTF-8 JSON).</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ContractJson.IndentedOptions);

    /// <summary>Lowercase hex SHA-256 of <paramref name="utf8Json"/>, the stored manifest's bytes.</summary>
    public static string Sha256Of(byte[] utf8Json) => Convert.ToHexStringLower(SHA256.HashData(utf8Json));

    /// <exception cref="InvalidDataException">Not a manifest, or values out of range.</exception>
    /// <exception cref="InvalidIdException">An invalid run or dataset id.</exception>
    public static RunManifest Parse(byte[] utf8Json, string source)
    {
        var manifest = ContractJson.Parse<RunManifest>(utf8Json, source);
        manifest.Validate(source);
        return manifest;
    }

    public void Validate(string source)
    {
        Ids.Validate(Run, "run");
        Ids.Validate(Dataset, "dataset");
        Ids.Validate(Split, "split");
        Ids.ValidateSha256(Model.Sha256, "model sha256");
        if (SchemaVersion != CurrentSchemaVersion)
        {
            throw new InvalidDataException(
                $"{source} has schemaVersion {SchemaVersion}, this code reads {CurrentSchemaVersion}" +
                (SchemaVersion < CurrentSchemaVersion ? ": the run was enqueued by an older vpd; enqueue it again under a new run id" : string.Empty));
        }
        Ids.ValidateSha256(ObjectsSha256, "objectsSha256");
        AttentionChoice.Parse(Attention);
        if (ImageSize <= 0 || TokenLength <= 0 || NoiseStep < 0 || ExpectedSentences < 0 || ExpectedObjects < 0)
        {
            throw new InvalidDataException(
                $"{source} has out-of-range values (imageSize {ImageSize}, tokenLength {TokenLength}, noiseStep {NoiseStep}, " +
                $"expectedSentences {ExpectedSentences}, expectedObjects {ExpectedObjects})");
        }
    }
}
