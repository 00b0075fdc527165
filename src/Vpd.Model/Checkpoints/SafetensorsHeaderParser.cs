using System.Globalization;
using System.Text.Json;

namespace Vpd.Model.Checkpoints;

/// <summary>
/// Parses and checks a safetensors header against the format's rules before any tensor is read, so a file
/// that breaks them is refused by name instead of crashing a reader or reaching libtorch: the root is an
/// object; <c>__metadata__</c> maps strings to strings; every other entry has a known dtype, a shape of
/// non-negative integers and <c>data_offsets</c> of two integers whose span is exactly the shape's bytes;
/// no name repeats; and the tensors' byte ranges tile the data region (contiguous, no overlap, no gap, no
/// trailing byte, nothing past the end), as huggingface/safetensors requires.
/// </summary>
internal static class SafetensorsHeaderParser
{
    private const string MetadataKey = "__metadata__";

    /// <summary>Bytes per element of every safetensors dtype (those the product can load are a subset).</summary>
    private static readonly IReadOnlyDictionary<string, int> ElementSizes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    /// <exception cref="InvalidDataException">Naming <paramref name="path"/> and the rule the header breaks.</exception>
    public static SafetensorsFile.Header Parse(byte[] json, long dataLength, long dataStart, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Refuse(path, $"header is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Refuse(path, $"header is a JSON {Kind(doc.RootElement)}, not an object of tensors");
            }
            var entries = new List<SafetensorsFile.Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Refuse(path, $"header names '{property.Name}' twice");
                }
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(property.Value, metadata, path);
                }
                else
                {
                    entries.Add(ReadEntry(property.Name, property.Value, path));
                }
            }
            CheckTiling(entries, dataLength, path);
            return new SafetensorsFile.Header(entries, metadata, dataStart);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Refuse(path, $"{MetadataKey} is a JSON {Kind(value)}, not an object of strings");
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Refuse(path, $"{MetadataKey} value '{item.Name}' is a JSON {Kind(item.Value)}, not a string");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsFile.Entry ReadEntry(string name, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Refuse(path, $"tensor '{name}' is a JSON {Kind(value)}, not an object with dtype, shape and data_offsets");
        }
        var dtype = Field(value, "dtype", name, path);
        if (dtype.ValueKind != JsonValueKind.String || !ElementSizes.TryGetValue(dtype.GetString()!, out var elementSize))
        {
            throw Refuse(path, $"tensor '{name}' has dtype {dtype.GetRawText()}, which is not a safetensors dtype ({string.Join(", ", ElementSizes.Keys)})");
        }
        var shape = Integers(Field(value, "shape", name, path), "shape", name, path);
        var offsets = Integers(Field(value, "data_offsets", name, path), "data_offsets", name, path);
        if (offsets.Length != 2 || offsets[1] < offsets[0])
        {
            throw Refuse(path, $"tensor '{name}' has data_offsets [{string.Join(", ", offsets)}]; expected [begin, end] with begin <= end");
        }
        var bytes = ByteSize(shape, elementSize);
        if (bytes != offsets[1] - offsets[0])
        {
            throw Refuse(path,
                $"tensor '{name}' is {dtype.GetString()}{Format(shape)}, which needs {(bytes < 0 ? "more than 2^63" : bytes.ToString(CultureInfo.InvariantCulture))} bytes, "
                + $"but its data_offsets [{offsets[0]}, {offsets[1]}] hold {offsets[1] - offsets[0]}");
        }
        return new SafetensorsFile.Entry(name, dtype.GetString()!, shape, offsets[0], offsets[1]);
    }

    /// <summary>The byte ranges, sorted, must cover [0, dataLength) exactly once.</summary>
    private static void CheckTiling(List<SafetensorsFile.Entry> entries, long dataLength, string path)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        var beyond = entries.FirstOrDefault(e => e.End > dataLength);
        if (beyond is not null)
        {
            throw Refuse(path,
                $"tensor '{beyond.Name}' ends at data byte {beyond.End}, past the end of the file's {dataLength} data bytes (truncated file?)");
        }
        long covered = 0;
        SafetensorsFile.Entry? previous = null;
        foreach (var entry in entries)
        {
            if (entry.Begin < covered)
            {
                throw Refuse(path,
                    $"tensor '{entry.Name}' (data bytes {entry.Begin}..{entry.End}) overlaps tensor '{previous!.Name}' (data bytes {previous.Begin}..{previous.End}); tensors must not share bytes");
            }
            if (entry.Begin > covered)
            {
                throw Refuse(path, $"data bytes {covered}..{entry.Begin} belong to no tensor; tensors must be stored contiguously");
            }
            covered = entry.End;
            previous = entry;
        }
        if (covered != dataLength)
        {
            throw Refuse(path, $"data bytes {covered}..{dataLength} after the last tensor belong to no tensor");
        }
    }

    private static JsonElement Field(JsonElement entry, string field, string name, string path) =>
        entry.TryGetProperty(field, out var value) ? value : throw Refuse(path, $"tensor '{name}' has no '{field}'");

    private static long[] Integers(JsonElement value, string field, string name, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Refuse(path, $"tensor '{name}' has {field} {value.GetRawText()}, not an array of integers");
        }
        var result = new long[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
            {
                throw Refuse(path, $"tensor '{name}' has {field} {value.GetRawText()}; every item must be a non-negative integer");
            }
            result[i++] = number;
        }
        return result;
    }

    /// <summary>The shape's bytes, or -1 when they exceed a long.</summary>
    private static long ByteSize(long[] shape, int elementSize)
    {
        var bytes = (long)elementSize;
        foreach (var dim in shape)
        {
            if (dim != 0 && bytes > long.MaxValue / dim)
            {
                return shape.Contains(0) ? 0 : -1;
            }
            bytes *= dim;
        }
        return bytes;
    }

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();

    private static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static InvalidDataException Refuse(string path, string problem) => new($"{path}: {problem}");
}
