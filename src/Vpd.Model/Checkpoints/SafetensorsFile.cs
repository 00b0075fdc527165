using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// (<c>name: {dtype, shape, data_offsets}</c> plus a string-valued <c>__metadata__</c>), then raw
/// row-major little-endian tensor bytes. Used for golden files, Stable Diffusion files and the
/// product's own model files (whose metadata carries the model config and tokenizer). Every header is
/// checked against the format's rules (<see cref="SafetensorsHeaderParser"/>) before a byte of data is read.
/// </summary>
public static class SafetensorsFile
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>The header of a safetensors file: tensor entries in file order, and the metadata.</summary>
    public sealed record Header(IReadOnlyList<Entry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart);

    /// <summary>One tensor's place in the file.</summary>
    public sealed record Entry(string Name, string DType, long[] Shape, long Begin, long End);

    /// <summary>Reads only the header (cheap: no tensor bytes are touched).</summary>
    public static Header ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path);
    }

    /// <summary>The metadata strings of a file's header.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path) => ReadHeader(path).Metadata;

    /// <summary>Loads every tensor (or those <paramref name="include"/> accepts) onto the CPU.</summary>
    public static Dictionary<string, Tensor> Load(string path, Func<string, bool>? include = null)
    {
        using var stream = File.OpenRead(path);
        var header = ReadHeader(stream, path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in header.Entries)
        {
            if (include is not null && !include(entry.Name))
            {
                continue;
            }
            var length = entry.End - entry.Begin;
            var bytes = new byte[length];
            stream.Position = header.DataStart + entry.Begin;
            stream.ReadExactly(bytes);
            result[entry.Name] = FromBytes(bytes, entry, path);
        }
        return result;
    }

    /// <summary>
    /// Writes tensors (contiguous CPU copies are made as needed) in the given order with the metadata.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = metadata;
        }
        long offset = 0;
        var payloads = new List<byte[]>(list.Count);
        foreach (var (name, tensor) in list)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            var bytes = cpu.bytes.ToArray();
            payloads.Add(bytes);
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = DTypeName(cpu.dtype, name),
                ["shape"] = cpu.shape,
                ["data_offsets"] = new[] { offset, offset + bytes.Length },
            };
            offset += bytes.Length;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var padded = (json.Length + 7) / 8 * 8;
        var tmp = path + ".tmp";
        using (var stream = File.Create(tmp))
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)padded);
            stream.Write(lengthBytes);
            stream.Write(json);
            for (var i = json.Length; i < padded; i++)
            {
                stream.WriteByte((byte)' ');
            }
            foreach (var payload in payloads)
            {
                stream.Write(payload);
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static Header ReadHeader(Stream stream, string path)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Length < 8)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (shorter than its 8-byte header length)");
        }
        stream.ReadExactly(lengthBytes);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (header length {headerLength} is outside 1..{MaxHeaderBytes})");
        }
        if (8 + headerLength > stream.Length)
        {
            throw new InvalidDataException($"{path}: header length {headerLength} runs past the end of the {stream.Length}-byte file (truncated file?)");
        }
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        return SafetensorsHeaderParser.Parse(json, stream.Length - 8 - headerLength, 8 + headerLength, path);
    }

    private static Tensor FromBytes(byte[] bytes, Entry entry, string path)
    {
        var dtype = entry.DType switch
        {
            "F32" => ScalarType.Float32,
            "F16" => ScalarType.Float16,
            "BF16" => ScalarType.BFloat16,
            "F64" => ScalarType.Float64,
            "I64" => ScalarType.Int64,
            "I32" => ScalarType.Int32,
            "I8" => ScalarType.Int8,
            "U8" => ScalarType.Byte,
            "BOOL" => ScalarType.Bool,
            _ => throw new InvalidDataException($"{path}: tensor '{entry.Name}' has unsupported dtype {entry.DType}"),
        };
        // The header parser has matched the shape to these bytes, so the allocation is the file's own size.
        var tensor = torch.empty(entry.Shape, dtype);
        tensor.bytes = bytes;
        return tensor;
    }

    private static string DTypeName(ScalarType type, string name) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"tensor '{name}': dtype {type} cannot be written to safetensors"),
    };

}
