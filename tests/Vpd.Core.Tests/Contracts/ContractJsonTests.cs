using System.Text.Json;
using Vpd.Core.Contracts;

namespace Vpd.Core.Tests.Contracts;

public sealed class ContractJsonTests
{
    private static MessageObject Object(string refId) => new()
    {
        RefId = refId,
        TruthSha256 = new string('b', 64),
        Sentences = [new Sentence(0, 101, "the red square"), new Sentence(1, 102, "left one")],
    };

    private static ExpressionMessage Message() => new()
    {
        Run = "run1",
        Dataset = "refshapes",
        ImageId = "img3",
        ImageSha256 = new string('a', 64),
        Objects = [Object("r7"), Object("r8") with { StoreAttention = true }],
    };

    [Fact]
    public void ExpressionMessage_RoundTrip_KeepsEveryField()
    {
        var parsed = ExpressionMessage.Parse(Message().ToJson());

        Assert.Equal("run1", parsed.Run);
        Assert.Equal(new string('a', 64), parsed.ImageSha256);
        Assert.Equal(["r7", "r8"], parsed.Objects.Select(o => o.RefId));
        Assert.Equal(Message().Objects[0].Sentences, parsed.Objects[0].Sentences);
        Assert.Equal(new string('b', 64), parsed.Objects[1].TruthSha256);
        Assert.Equal([false, true], parsed.Objects.Select(o => o.StoreAttention));
    }

    [Fact]
    public void ExpressionMessage_WithoutInputHashes_ThrowsInvalidData()
    {
        var json = Message().ToJson().Replace("\"imageSha256\"", "\"imageSha\"", StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => ExpressionMessage.Parse(json));
        Assert.Throws<InvalidDataException>(() => ExpressionMessage.Parse(Message().ToJson().Replace("\"truthSha256\"", "\"truth\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void ExpressionMessage_Json_UsesCamelCaseNames()
    {
        using var doc = JsonDocument.Parse(Message().ToJson());

        Assert.Equal("img3", doc.RootElement.GetProperty("imageId").GetString());
        var o = doc.RootElement.GetProperty("objects")[0];
        Assert.Equal("r7", o.GetProperty("refId").GetString());
        Assert.Equal("left one", o.GetProperty("sentences")[1].GetProperty("text").GetString());
        Assert.Equal(102, o.GetProperty("sentences")[1].GetProperty("sentId").GetInt64());
    }

    private const string Head = "{\"run\":\"r\",\"dataset\":\"d\",\"imageId\":\"i\",\"imageSha256\":\"AAA\",";
    private const string Truth = "\"truthSha256\":\"BBB\"";

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData(Head + "\"objects\":[]}")]
    [InlineData(Head + "\"objects\":[null]}")]
    [InlineData(Head + "\"objects\":[{\"refId\":null," + Truth + ",\"sentences\":[{\"index\":0,\"sentId\":1,\"text\":\"x\"}]}]}")]
    [InlineData(Head + "\"objects\":[{\"refId\":\"f\"," + Truth + ",\"sentences\":[]}]}")]
    [InlineData(Head + "\"objects\":[{\"refId\":\"f\"," + Truth + ",\"sentences\":[{\"index\":0,\"sentId\":1,\"text\":\"x\"},{\"index\":0,\"sentId\":2,\"text\":\"y\"}]}]}")]
    [InlineData(Head + "\"objects\":[{\"refId\":\"f\"," + Truth + ",\"sentences\":[{\"index\":0,\"sentId\":1,\"text\":\"x\"}]},{\"refId\":\"f\"," + Truth + ",\"sentences\":[{\"index\":1,\"sentId\":2,\"text\":\"y\"}]}]}")]
    public void ExpressionMessage_Malformed_ThrowsInvalidData(string json)
    {
        json = json.Replace("AAA", new string('a', 64), StringComparison.Ordinal).Replace("BBB", new string('b', 64), StringComparison.Ordinal);

        Assert.Throws<InvalidDataException>(() => ExpressionMessage.Parse(json));
    }

    [Fact]
    public void ExpressionMessage_TooManyObjects_ThrowsInvalidData()
    {
        var json = (Message() with { Objects = [.. Enumerable.Range(0, ExpressionMessage.MaxObjects + 1).Select(i => Object($"r{i}"))] }).ToJson();

        var e = Assert.Throws<InvalidDataException>(() => ExpressionMessage.Parse(json));
        Assert.Contains($"{ExpressionMessage.MaxObjects + 1} objects", e.Message);
    }

    [Fact]
    public void ExpressionMessage_PathInRefId_ThrowsInvalidIdNamingRefId()
    {
        var json = (Message() with { Objects = [Object("r7"), Object("../x")] }).ToJson();

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
