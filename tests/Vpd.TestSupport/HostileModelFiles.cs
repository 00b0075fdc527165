using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Vpd.TestSupport;

/// <summary>
/// Model files that break the safetensors rules or carry an absurd config, each made from the shipped
/// <c>models/tiny-refshapes.safetensors</c> by rewriting its header bytes (no TorchSharp needed), so every test
/// project can hand the same hostile files to the code it tests.
/// </summary>
public static class HostileModelFiles
{
    /// <summary>One hostile file: its name, the words the refusal must contain, and how it is made.</summary>
    public sealed record Case(string Name, string[] ExpectedProblem, Func<JsonObject, byte[], (string Header, byte[] Data)> Make)
    {
        public override string ToString() => Name;
    }

    public static string ShippedModel => Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors");

    public static IReadOnlyList<Case> All { get; } =
    [
        new("header-root-array", ["header is a JSON array, not an object"], (h, d) => ("[" + h.ToJsonString() + "]", d)),
        new("entry-without-data-offsets", ["tensor 'gamma' has no 'data_offsets'"], (h, d) => Edit(h, d, x => Entry(x, "gamma").Remove("data_offsets"))),
        new("offsets-as-strings", ["tensor 'gamma' has data_offsets", "non-negative integer"], (h, d) => Edit(h, d, x =>
        {
            var offsets = Entry(x, "gamma")["data_offsets"]!.AsArray();
            Entry(x, "gamma")["data_offsets"] = new JsonArray(offsets[0]!.ToJsonString(), offsets[1]!.ToJsonString());
        })),
        new("metadata-value-not-string", ["__metadata__ value 'format_version' is a JSON number, not a string"],
            (h, d) => Edit(h, d, x => x["__metadata__"]!["format_version"] = 1)),
        new("aliased-tensors", ["overlaps tensor", "must not share bytes"], (h, d) => Edit(h, d, x =>
            Entry(x, "classifier.bn1_4.bias")["data_offsets"] = Entry(x, "classifier.bn1_4.weight")["data_offsets"]!.DeepClone())),
        new("shape-not-fitting-bytes", ["tensor 'gamma' is F32[128], which needs 512 bytes", "hold 256"],
            (h, d) => Edit(h, d, x => Entry(x, "gamma")["shape"] = new JsonArray(128))),
        new("negative-dimension", ["tensor 'gamma' has shape [-64]", "non-negative integer"],
            (h, d) => Edit(h, d, x => Entry(x, "gamma")["shape"] = new JsonArray(-64))),
        new("shape-overflowing-64-bits", ["tensor 'gamma' is F32[4294967296, 4294967296], which needs more than 2^63 bytes"],
            (h, d) => Edit(h, d, x => Entry(x, "gamma")["shape"] = new JsonArray(1L << 32, 1L << 32))),
        new("duplicate-tensor-name", ["header names 'gamma' twice"], (h, d) =>
        {
            var text = h.ToJsonString();
            return ("{\"gamma\":" + Entry(h, "gamma").ToJsonString() + "," + text[1..], d);
        }),
        new("truncated-data", ["past the end of the file's", "truncated file?"], (h, d) => (h.ToJsonString(), d[..^1000])),
        new("trailing-bytes", ["after the last tensor belong to no tensor"], (h, d) => (h.ToJsonString(), [.. d, .. new byte[16]])),
        new("absurd-text-intermediate-size", ["text.intermediate_size 2000000000 is above the limit 32768"],
            (h, d) => EditConfig(h, d, c => c["text"]!["intermediate_size"] = 2_000_000_000)),
        new("config-larger-than-its-tensors", ["the file's tensors do not fit its config", "differ from the config's layout"],
            (h, d) => EditConfig(h, d, c =>
            {
                c["refer"]!["unet_config"]!["model_channels"] = 64;
                c["refer"]!.AsObject().Remove("neck_dim");
            })),
    ];

    public static Case Named(string name) => All.Single(c => c.Name == name);

    /// <summary>Writes the hostile file <paramref name="name"/> into <paramref name="directory"/> and returns its path.</summary>
    public static string Write(string name, string directory)
    {
        var source = File.ReadAllBytes(ShippedModel);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(source);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(source, 8, headerLength))!.AsObject();
        var (text, data) = Named(name).Make(header, source[(8 + headerLength)..]);
        var json = Encoding.UTF8.GetBytes(text);
        var padded = (json.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + padded);
        var path = Path.Combine(directory, name + ".safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static JsonObject Entry(JsonObject header, string name) => header[name]!.AsObject();

    private static (string, byte[]) Edit(JsonObject header, byte[] data, Action<JsonObject> edit)
    {
        edit(header);
        return (header.ToJsonString(), data);
    }

    private static (string, byte[]) EditConfig(JsonObject header, byte[] data, Action<JsonObject> edit)
    {
        var metadata = header["__metadata__"]!.AsObject();
        var config = JsonNode.Parse(metadata["config"]!.GetValue<string>())!.AsObject();
        edit(config);
        metadata["config"] = config.ToJsonString();
        return (header.ToJsonString(), data);
    }
}
