using System.IO.Compression;
using TorchSharp;
using Vpd.Tools.Checkpoints.Pickle;
using static TorchSharp.torch;

namespace Vpd.Tools.Checkpoints;

/// <summary>
/// Reads PyTorch zip checkpoints (<c>torch.save</c> since 1.6: <c>.pth</c>, <c>.ckpt</c>) without running
/// any Python: <c>&lt;folder&gt;/data.pkl</c> is first scanned for globals outside a small allow-list
/// (refused with <see cref="UnsafePickleException"/> before anything is unpickled), then unpickled by a
/// restricted machine into plain values with tensors left as storage references; only the tensors of the
/// requested state dict are read from <c>&lt;folder&gt;/data/&lt;key&gt;</c>, so an optimizer state twice the
/// model's size costs nothing.
/// </summary>
public static class TorchCheckpointReader
{
    /// <summary>
    /// Reads the state dict under top-level key <paramref name="stateDictKey"/> (<c>"model"</c> for VPD's
    /// <c>.pth</c>, <c>"state_dict"</c> for Stable Diffusion's <c>.ckpt</c>), or the top-level dict itself when
    /// it is null. <paramref name="include"/> limits which tensors are read.
    /// </summary>
    public static TorchCheckpoint Read(string path, string? stateDictKey, Func<string, bool>? include = null)
    {
        ZipArchive archive;
        var stream = File.OpenRead(path);
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path}: not a PyTorch zip checkpoint ({e.Message}); files saved by torch < 1.6 must be re-saved", e);
        }
        using (archive)
        {
            var pickleEntry = FindPickle(archive, path);
            var prefix = pickleEntry.FullName[..^"data.pkl".Length];
            var pickleSource = $"{path}:{pickleEntry.FullName}";
            var pickle = ReadEntry(pickleEntry, pickleEntry.Length, pickleSource);

            var storages = new Dictionary<string, TorchStorageRef>(StringComparer.Ordinal);
            var root = RestrictedUnpickler.Load(
                pickle,
                TorchPickleGlobals.Create(pickleSource),
                pid =>
                {
                    var storage = TorchPickleGlobals.ParseStorageId(pid, pickleSource);
                    // One storage may back several tensors: keep the first description of each key.
                    return storages.TryAdd(storage.Key, storage) ? storage : storages[storage.Key];
                },
                pickleSource);

            var top = root as PyDict ?? throw new InvalidDataException($"{path}: the checkpoint is not a dict at the top level");
            var topKeys = top.Items.Select(p => p.Key).OfType<string>().ToList();
            var stateDict = SelectStateDict(top, stateDictKey, topKeys, path);
            var tensors = Materialise(archive, prefix, stateDict, stateDictKey, include, path);
            var args = top.TryGetValue("args", out var argsValue) ? ArgsToDictionary(argsValue) : null;
            return new TorchCheckpoint(path, tensors, args, topKeys);
        }
    }

    private static ZipArchiveEntry FindPickle(ZipArchive archive, string path)
    {
        var candidates = archive.Entries
            .Where(e => e.FullName == "data.pkl" || (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1))
            .ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new InvalidDataException($"{path}: zip has no <folder>/data.pkl, so it is not a PyTorch checkpoint"),
            _ => throw new InvalidDataException($"{path}: zip has {candidates.Count} data.pkl entries ({string.Join(", ", candidates.Select(c => c.FullName))})"),
        };
    }

    private static PyDict SelectStateDict(PyDict top, string? key, List<string> topKeys, string path)
    {
        if (key is null)
        {
            return top;
        }
        if (!top.TryGetValue(key, out var value))
        {
            throw new InvalidDataException($"{path}: checkpoint has no '{key}' entry (top-level keys: {string.Join(", ", topKeys)})");
        }
        return value as PyDict ?? throw new InvalidDataException($"{path}: checkpoint entry '{key}' is not a state dict");
    }

    private static Dictionary<string, Tensor> Materialise(
        ZipArchive archive, string prefix, PyDict stateDict, string? dictKey, Func<string, bool>? include, string path)
    {
        var where = dictKey is null ? "" : $" under '{dictKey}'";
        var wanted = new List<(string Name, TorchTensorRef Tensor)>();
        foreach (var (key, value) in stateDict.Items)
        {
            if (key is not string name)
            {
                throw new InvalidDataException($"{path}: state dict{where} has a non-string key ({key})");
            }
            if (include is not null && !include(name))
            {
                continue;
            }
            wanted.Add(value is TorchTensorRef tensor
                ? (name, tensor)
                : throw new InvalidDataException($"{path}: state dict{where} entry '{name}' is not a tensor"));
        }
        // Each storage is read once and released as soon as its last tensor is out, so the peak is about
        // the state dict's size plus one storage, even for a multi-gigabyte Stable Diffusion file.
        var pending = wanted.GroupBy(w => w.Tensor.Storage.Key).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, tensor) in wanted)
            {
                var key = tensor.Storage.Key;
                if (!storages.TryGetValue(key, out var storage))
                {
                    storage = ReadStorage(archive, prefix, tensor.Storage, path);
                    storages[key] = storage;
                }
                result[name] = View(storage, tensor, name, path);
                if (--pending[key] == 0)
                {
                    storages.Remove(key);
                    storage.Dispose();
                }
            }
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }
            throw;
        }
        finally
        {
            foreach (var s in storages.Values)
            {
                s.Dispose();
            }
        }
        return result;
    }

    private static Tensor ReadStorage(ZipArchive archive, string prefix, TorchStorageRef storage, string path)
    {
        var entryName = $"{prefix}data/{storage.Key}";
        var entry = archive.GetEntry(entryName)
            ?? throw new InvalidDataException($"{path}: storage entry '{entryName}' is missing");
        // The size comes from the pickle: check it against the entry's bytes before allocating anything.
        long elementSize;
        using (var probe = torch.empty(0, storage.DType))
        {
            elementSize = probe.ElementSize;
        }
        var expected = storage.Numel <= long.MaxValue / elementSize ? storage.Numel * elementSize : -1;
        if (entry.Length != expected)
        {
            throw new InvalidDataException(
                $"{path}: storage '{entryName}' holds {entry.Length} bytes but {storage.Numel} elements of {storage.DType} need "
                + (expected < 0 ? "more than 2^63" : expected.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        var tensor = torch.empty(storage.Numel, storage.DType);
        tensor.bytes = ReadEntry(entry, expected, $"{path}:{entryName}");
        return tensor;
    }

    // A tensor is a strided view into its storage (it may share the storage with other tensors or start
    // at an offset). The usual case, a tensor that is its whole storage in row-major order, becomes a
    // reshaped alias without a copy; anything else is copied out into a contiguous tensor of its own.
    private static Tensor View(Tensor storage, TorchTensorRef tensor, string name, string path)
    {
        if (tensor.Offset < 0 || tensor.Size.Any(s => s < 0) || tensor.Stride.Any(s => s < 0))
        {
            throw new InvalidDataException($"{path}: tensor '{name}' has a negative offset, size or stride");
        }
        long numel;
        long last;
        try
        {
            numel = tensor.Size.Aggregate(1L, (a, b) => checked(a * b));
            last = numel == 0 ? 0 : checked(tensor.Offset + tensor.Size.Zip(tensor.Stride, (s, st) => checked((s - 1) * st)).Aggregate(0L, (a, b) => checked(a + b)));
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{path}: tensor '{name}' has a size or stride beyond 2^63 elements");
        }
        // A view with more elements than its storage repeats elements (zero strides): copying it out would
        // allocate memory the file never held, so it is refused; state dicts do not contain such views.
        if (numel > tensor.Storage.Numel)
        {
            throw new InvalidDataException(
                $"{path}: tensor '{name}' has {numel} elements, more than the {tensor.Storage.Numel} of its storage '{tensor.Storage.Key}'");
        }
        if (numel > 0 && last >= tensor.Storage.Numel)
        {
            throw new InvalidDataException(
                $"{path}: tensor '{name}' reaches element {last} of storage '{tensor.Storage.Key}', which has {tensor.Storage.Numel}");
        }
        if (tensor.Offset == 0 && numel == tensor.Storage.Numel && IsRowMajor(tensor.Size, tensor.Stride))
        {
            return storage.reshape(tensor.Size);
        }
        var result = torch.empty(tensor.Size, tensor.Storage.DType);
        if (numel > 0)
        {
            using var view = storage.as_strided(tensor.Size, tensor.Stride, tensor.Offset);
            result.copy_(view);
        }
        return result;
    }

    private static bool IsRowMajor(long[] size, long[] stride)
    {
        var expected = 1L;
        for (var i = size.Length - 1; i >= 0; i--)
        {
            // A dimension of size 1 may carry any stride.
            if (size[i] != 1 && stride[i] != expected)
            {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long length, string source)
    {
        if (length > Array.MaxLength)
        {
            throw new InvalidDataException($"{source}: entry of {length} bytes is too large to read");
        }
        var bytes = new byte[length];
        try
        {
            using var s = entry.Open();
            s.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{source}: cannot read the zip entry ({e.Message})", e);
        }
        return bytes;
    }

    private static Dictionary<string, object?>? ArgsToDictionary(object? args) => args switch
    {
        PyObject obj => new Dictionary<string, object?>(obj.Attributes, StringComparer.Ordinal),
        PyDict dict => dict.Items.Where(p => p.Key is string).ToDictionary(p => (string)p.Key, p => p.Value, StringComparer.Ordinal),
        _ => null,
    };
}
