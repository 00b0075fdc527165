using System.Buffers.Binary;
using System.Text;
using Vpd.Core.Pickle;
using Vpd.Tools.Checkpoints.Pickle;
using static TorchSharp.torch;

namespace Vpd.Tools.Checkpoints;

/// <summary>A tensor storage named by a persistent id: <c>data/&lt;Key&gt;</c> in the archive, <c>Numel</c> elements of <c>DType</c>.</summary>
internal sealed record TorchStorageRef(string Key, ScalarType DType, long Numel);

/// <summary>A tensor as <c>_rebuild_tensor_v2</c> describes it: a view into a storage. No bytes are read until it is materialised.</summary>
internal sealed record TorchTensorRef(TorchStorageRef Storage, long Offset, long[] Size, long[] Stride);

/// <summary>
/// The globals a PyTorch checkpoint needs, and nothing else: state dicts (OrderedDict), tensor rebuild
/// functions, storage classes, <c>argparse.Namespace</c> (VPD's <c>args</c>) and the numpy scalars that
/// training loops sometimes store as plain numbers (with <c>_codecs.encode</c>, which protocol 2 uses
/// for their bytes).
/// </summary>
internal static class TorchPickleGlobals
{
    /// <summary>Storage class name to element type.</summary>
    public static IReadOnlyDictionary<string, ScalarType> StorageTypes { get; } = new Dictionary<string, ScalarType>
    {
        ["FloatStorage"] = ScalarType.Float32,
        ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64,
        ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    /// <summary>Builds the allow-list; <paramref name="source"/> names the file in errors.</summary>
    public static PickleGlobals Create(string source)
    {
        var globals = new PickleGlobals()
            .Callable("collections", "OrderedDict", args => OrderedDict(args, source))
            .Callable("torch._utils", "_rebuild_tensor_v2", args => RebuildTensor(args, source))
            .Callable("torch._utils", "_rebuild_tensor", args => RebuildTensor(args, source))
            .Callable("torch._utils", "_rebuild_parameter", args => Arg(args, 0, source))
            .Callable("torch._utils", "_rebuild_parameter_with_state", args => Arg(args, 0, source))
            .Callable("argparse", "Namespace", args => new PyObject(new GlobalName("argparse", "Namespace"), args))
            .Callable("_codecs", "encode", args => Encode(args, source))
            .Callable("numpy", "dtype", args => new PyObject(new GlobalName("numpy", "dtype"), args))
            .Callable("numpy.core.multiarray", "scalar", args => NumpyScalar(args, source))
            .Callable("numpy._core.multiarray", "scalar", args => NumpyScalar(args, source));
        foreach (var name in StorageTypes.Keys)
        {
            globals.Reference("torch", name);
        }
        return globals;
    }

    /// <summary>Resolves <c>('storage', storage_class, key, location, numel)</c>.</summary>
    public static TorchStorageRef ParseStorageId(object? pid, string source)
    {
        if (pid is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not PyGlobalRef type
            || t[2] is not string key || t[4] is not long numel)
        {
            throw new InvalidDataException($"{source}: persistent id is not ('storage', class, key, location, numel)");
        }
        if (type.Name.Module != "torch" || !StorageTypes.TryGetValue(type.Name.Name, out var dtype))
        {
            throw new InvalidDataException($"{source}: storage class '{type.Name}' is not supported");
        }
        if (numel < 0)
        {
            throw new InvalidDataException($"{source}: storage '{key}' has a negative size");
        }
        return new TorchStorageRef(key, dtype, numel);
    }

    private static PyDict OrderedDict(object?[] args, string source)
    {
        var dict = new PyDict();
        if (args.Length == 0)
        {
            return dict;
        }
        if (args is [List<object?> pairs])
        {
            foreach (var pair in pairs)
            {
                if (pair is not object?[] { Length: 2 } kv || kv[0] is null)
                {
                    throw new InvalidDataException($"{source}: OrderedDict item is not a (key, value) pair");
                }
                dict.Set(kv[0]!, kv[1]);
            }
            return dict;
        }
        throw new InvalidDataException($"{source}: OrderedDict called with unsupported arguments");
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]);
    // _rebuild_tensor(storage, storage_offset, size, stride).
    private static TorchTensorRef RebuildTensor(object?[] args, string source)
    {
        if (args.Length < 4 || args[0] is not TorchStorageRef storage || args[1] is not long offset
            || args[2] is not object?[] size || args[3] is not object?[] stride || size.Length != stride.Length)
        {
            throw new InvalidDataException($"{source}: tensor rebuild arguments are not (storage, offset, size, stride, ...)");
        }
        return new TorchTensorRef(storage, offset, Longs(size, source), Longs(stride, source));
    }

    private static long[] Longs(object?[] values, string source) =>
        values.Select(v => v as long? ?? throw new InvalidDataException($"{source}: tensor size or stride is not an integer")).ToArray();

    private static object? Arg(object?[] args, int index, string source) =>
        args.Length > index ? args[index] : throw new InvalidDataException($"{source}: tensor parameter rebuild has too few arguments");

    private static byte[] Encode(object?[] args, string source)
    {
        if (args is not [string text, string encoding])
        {
            throw new InvalidDataException($"{source}: _codecs.encode called with unsupported arguments");
        }
        return encoding.ToLowerInvariant() switch
        {
            "latin1" or "latin-1" or "iso-8859-1" => Encoding.Latin1.GetBytes(text),
            "utf8" or "utf-8" => Encoding.UTF8.GetBytes(text),
            _ => throw new InvalidDataException($"{source}: _codecs.encode with encoding '{encoding}' is not supported"),
        };
    }

    // numpy.core.multiarray.scalar(dtype, raw bytes) -> a plain long/double/bool.
    private static object NumpyScalar(object?[] args, string source)
    {
        if (args is not [PyObject { Type.Module: "numpy", Type.Name: "dtype" } dtype, byte[] bytes] || dtype.Arguments is not [string code, ..])
        {
            throw new InvalidDataException($"{source}: numpy scalar with unsupported arguments");
        }
        if (dtype.State is object?[] { Length: > 1 } state && state[1] is ">")
        {
            throw new InvalidDataException($"{source}: big-endian numpy scalar is not supported");
        }
        return (code, bytes.Length) switch
        {
            ("i8", 8) => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            ("i4", 4) => (long)BinaryPrimitives.ReadInt32LittleEndian(bytes),
            ("u4", 4) => (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            ("f8", 8) => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            ("f4", 4) => (double)BinaryPrimitives.ReadSingleLittleEndian(bytes),
            ("b1", 1) => bytes[0] != 0,
            _ => throw new InvalidDataException($"{source}: numpy scalar of dtype '{code}' is not supported"),
        };
    }
}
