using System.Text.Json;
using Vpd.Core.Contracts;

namespace Vpd.Core.Tests.Contracts;

public sealed class ContractJsonTests
{
    private static ExpressionMessage Message() => new()
    {
        Run = "run1",
        Dataset = "refshapes",
        RefId = "r7",
        ImageId = "img3",
        Sentences = [new Sentence(0, 101, "the red square"), new Sentence(1, 102, "left one")],
        ImageSha256 = new string('a', 64),
        TruthSha256 = new string('b', 64),
    };

    [Fact]
    public void ExpressionMessage_RoundTrip_KeepsEveryField()
    {
        var parsed = ExpressionMessage.Parse(Message().ToJson());

        Assert.Equal("run1", parsed.Run);
        Assert.Equal("r7", parsed.RefId);
        Assert.Equal(Message().Sentences, parsed.Sentences);
        Assert.Equal(new string('a', 64), parsed.ImageSha256);
        Assert.False(parsed.StoreAttention);
    }

    [Fact]
    public void ExpressionMessage_WithoutInputHashes_ThrowsInvalidData()
    {
        using var doc = JsonDocument.Parse(Message().ToJson());
        var withoutHashes = doc.RootElement.EnumerateObject().Where(p => !p.Name.EndsWith("Sha256", StringComparison.Ordinal))
            .ToDictionary(p => p.Name, p => p.Value);

        Assert.Throws<InvalidDataException>(() => ExpressionMessage.Parse(JsonSerializer.Serialize(withoutHashes)));
    }

    [Fact]
    public void ExpressionMessage_Json_UsesCamelCaseNames()
    {
        using var doc = JsonDocument.Parse(Message().ToJson());

        Assert.Equal("r7", doc.RootElement.GetProperty("refId").GetString());
        Assert.Equal("img3", doc.RootElement.GetProperty("imageId").GetString());
        Assert.Equal("left one", doc.RootElement.GetProperty("sentences")[1].GetProperty("text").GetString());
        Assert.Equal(102, doc.RootElement.GetProperty("sentences")[1].GetProperty("sentId").GetInt64());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("{\"run\":\"r\",\"dataset\":\"d\",\"imageId\":\"i\",\"sentences\":[{\"index\":0,\"text\":\"x\"}]}")]
    [InlineData("{\"run\":\"r\",\"dataset\":\"d\",\"refId\":null,\"imageId\":\"i\",\"sentences\":[{\"index\":0,\"text\":\"x\"}]}")]
    [InlineData("{\"run\":\"r\",\"dataset\":\"d\",\"refId\":\"f\",\"imageId\":\"i\",\"sentences\":[]}")]
    [InlineData("{\"run\":\"r\",\"dataset\":\"d\",\"refId\":\"f\",\"imageId\":\"i\",\"sentences\":[{\"index\":0,\"text\":\"x\"},{\"index\":0,\"text\":\"y\"}]}")]
    public void ExpressionMessage_Malformed_ThrowsInvalidData(string json)
    {
        Assert.Throws<InvalidDataException>(() => ExpressionMessage.Parse(json));
    }

    [Fact]
    public void ExpressionMessage_PathInRefId_ThrowsInvalidIdNamingRefId()
    {
        var json = (Message() with { RefId = "../x" }).ToJson();

        var e = Assert.Throws<InvalidIdException>(() => ExpressionMessage.Parse(json));
        Assert.Equal("refId", e.Kind);
    }

    [Fact]
    public void RunMetrics_Json_HasDocumentedNames()
    {
        var metrics = new RunMetrics
        {
            Run = "run1",
            State = RunState.Stalled,
            Counts = new SentenceCounts(10, 6, 1, 3, 2),
            OverallIou = 0.25,
            MeanIou = 0.5,
            Precision = new Dictionary<string, double> { ["0.5"] = 0.5 },
            CumI = 1,
            CumU = 4,
            ThroughputSentencesPerSecond = 2,
            LatencyMs = new LatencyPercentiles(1, 2, 3),
            StartedUtc = DateTimeOffset.UnixEpoch,
            UpdatedUtc = DateTimeOffset.UnixEpoch,
            ManifestSha256 = "ab",
        };

        var bytes = metrics.ToUtf8Json();
        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;

        Assert.Equal(2, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(2, root.GetProperty("counts").GetProperty("foreign").GetInt64());
        Assert.Equal("stalled", root.GetProperty("state").GetString());
        Assert.Equal(0.25, root.GetProperty("oIoU").GetDouble());
        Assert.Equal(0.5, root.GetProperty("mIoU").GetDouble());
        Assert.Equal(3, root.GetProperty("counts").GetProperty("pending").GetInt64());
        Assert.Equal(3, root.GetProperty("latencyMs").GetProperty("p99").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("completedUtc").ValueKind);
        Assert.Equal(metrics.Counts, RunMetrics.Parse(bytes, "metrics.json").Counts);
    }

    [Fact]
    public void RunManifest_RoundTrip_SameBytesAndHash()
    {
        var manifest = new RunManifest
        {
            Run = "run1",
            Model = new ModelSpec("vpd-tiny", "{\"a\":1}", $"{new string('c', 64)}.safetensors", new string('c', 64)),
            Settings = new RunSettings("refshapes", "val", ImageSize: 64, TokenLength: 40, NoiseStep: 0, NoiseSeed: 42, Attention: "every:3"),
            ExpectedSentences = 12,
            ExpectedObjects = 5,
            ObjectsSha256 = new string('d', 64),
            CodeVersion = "test",
            CreatedUtc = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero),
        };

        var bytes = manifest.ToUtf8Json();
        var parsed = RunManifest.Parse(bytes, "manifest.json");

        Assert.Equal(manifest, parsed);
        Assert.Equal(RunManifest.Sha256Of(bytes), RunManifest.Sha256Of(parsed.ToUtf8Json()));
        Assert.Equal(64, RunManifest.Sha256Of(bytes).Length);
        using var doc = JsonDocument.Parse(bytes);
        Assert.Equal(42, doc.RootElement.GetProperty("settings").GetProperty("noiseSeed").GetInt64());
        Assert.False(doc.RootElement.TryGetProperty("noiseSeed", out _), "the settings are stored once, inside settings");
    }

    [Fact]
    public void RunManifest_BadModelHash_ThrowsInvalidId()
    {
        var json = "{\"run\":\"r\",\"model\":{\"kind\":\"k\",\"configJson\":\"{}\",\"blobName\":\"b\",\"sha256\":\"XYZ\"}," +
                   "\"settings\":{\"tokenLength\":1,\"imageSize\":8,\"noiseStep\":0,\"noiseSeed\":0,\"dataset\":\"d\",\"split\":\"val\"}," +
                   "\"expectedSentences\":1,\"expectedObjects\":1,\"objectsSha256\":\"" + new string('e', 64) + "\",\"dtype\":\"float32\",\"codeVersion\":\"x\"," +
                   "\"createdUtc\":\"2026-01-01T00:00:00Z\"}";

        Assert.Throws<InvalidIdException>(() => RunManifest.Parse(System.Text.Encoding.UTF8.GetBytes(json), "m.json"));
    }

    [Fact]
    public void RunManifest_SchemaOne_RefusedSayingToEnqueueAgain()
    {
        var json = "{\"schemaVersion\":1,\"run\":\"r\",\"model\":{\"kind\":\"k\",\"configJson\":\"{}\",\"blobName\":\"b\",\"sha256\":\"" + new string('c', 64) + "\"}," +
                   "\"tokenLength\":1,\"imageSize\":8,\"noiseStep\":0,\"noiseSeed\":0,\"dataset\":\"d\",\"split\":\"val\"," +
                   "\"expectedSentences\":1,\"expectedObjects\":1,\"objectsSha256\":\"" + new string('e', 64) + "\",\"dtype\":\"float32\",\"codeVersion\":\"x\"," +
                   "\"createdUtc\":\"2026-01-01T00:00:00Z\"}";

        var e = Assert.Throws<InvalidDataException>(() => RunManifest.Parse(System.Text.Encoding.UTF8.GetBytes(json), "runs/r/manifest.json"));

        Assert.Contains("runs/r/manifest.json", e.Message);
        Assert.Contains("enqueue it again", e.Message);
    }
}
