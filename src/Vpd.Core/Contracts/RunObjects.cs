using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json;

namespace Vpd.Core.Contracts;

/// <summary>One referred object of a run: its inputs by id and content hash, and the sentences to segment.</summary>
public sealed record RunObject(string RefId, string ImageId, string ImageSha256, string TruthSha256, IReadOnlyList<Sentence> Sentences);

/// <summary>
/// runs/{run}/objects.json: the run's sentence set. The manifest pins its SHA-256; only results of these sentences
/// count towards the run, a run is complete when each of them has a result, and a rerun of <c>vpd enqueue</c>
/// requeues exactly those that have none.
/// </summary>
public sealed record RunObjects
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Run { get; init; }

    public required IReadOnlyList<RunObject> Objects { get; init; }

    public long SentenceCount => Objects.Sum(o => (long)o.Sentences.Count);

    private FrozenDictionary<string, RunObject>? _byRefId;

    /// <summary>The object with this refId, or null (a dictionary: a worker looks up every message's object).</summary>
    public RunObject? Find(string refId)
    {
        _byRefId ??= Objects.ToFrozenDictionary(o => o.RefId, StringComparer.Ordinal);
        return _byRefId.GetValueOrDefault(refId);
    }

    /// <summary>Every expected sentence's id.</summary>
    public IEnumerable<SampleId> SampleIds() => Objects.SelectMany(o => o.Sentences.Select(s => new SampleId(o.RefId, s.Index)));

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ContractJson.Options);

    public static string Sha256Of(byte[] utf8Json) => Convert.ToHexStringLower(SHA256.HashData(utf8Json));

    /// <exception cref="InvalidDataException">Not a sentence set, or one with repeated refIds or sentence indexes.</exception>
    /// <exception cref="InvalidIdException">An invalid id or hash.</exception>
    public static RunObjects Parse(byte[] utf8Json, string source)
    {
        var objects = ContractJson.Parse<RunObjects>(utf8Json, source);
        objects.Validate(source);
        return objects;
    }

    public void Validate(string source)
    {
        Ids.Validate(Run, "run");
        if (SchemaVersion != CurrentSchemaVersion)
        {
            throw new InvalidDataException($"{source} has schemaVersion {SchemaVersion}, this code reads {CurrentSchemaVersion}");
        }
        var refIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in Objects)
        {
            Ids.Validate(o.RefId, "refId");
            Ids.Validate(o.ImageId, "imageId");
            Ids.ValidateSha256(o.ImageSha256, "imageSha256");
            Ids.ValidateSha256(o.TruthSha256, "truthSha256");
            if (!refIds.Add(o.RefId))
            {
                throw new InvalidDataException($"{source}: refId '{o.RefId}' occurs twice");
            }
            if (o.Sentences.Count == 0 || o.Sentences.Select(s => s.Index).Distinct().Count() != o.Sentences.Count || o.Sentences.Any(s => s.Index < 0))
            {
                throw new InvalidDataException($"{source}: refId '{o.RefId}' has no sentences, or negative or repeated sentence indexes");
            }
        }
    }
}
