using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Vpd.Model.Tests.Checkpoints;

/// <summary>Writes pickle opcodes by hand, so tests can make checkpoints (benign and malicious) without Python.</summary>
internal sealed class PickleBuilder
{
    private readonly MemoryStream _bytes = new();

    public PickleBuilder Proto(byte version) => Op(0x80).Raw(version);

    public PickleBuilder Global(string module, string name) => Op((byte)'c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleBuilder Inst(string module, string name) => Op((byte)'i').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleBuilder StackGlobal() => Op(0x93);

    public PickleBuilder Str(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        Op((byte)'X');
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)utf8.Length);
        return Raw(length.ToArray()).Raw(utf8);
    }

    public PickleBuilder Int(int value)
    {
        Op((byte)'J');
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return Raw(bytes.ToArray());
    }

    /// <summary>An int as LONG1: Python's encoding of ints outside the 32-bit range (minimal two's-complement bytes).</summary>
    public PickleBuilder Long1(long value)
    {
        var bytes = LittleEndianTwosComplement(value);
        return Op(0x8a).Raw((byte)bytes.Length).Raw(bytes);
    }

    /// <summary>An int as LONG4 (4-byte length, then the two's-complement bytes).</summary>
    public PickleBuilder Long4(long value)
    {
        var bytes = LittleEndianTwosComplement(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        return Op(0x8b).Raw(length.ToArray()).Raw(bytes);
    }

    public PickleBuilder False() => Op(0x89);

    public PickleBuilder Mark() => Op((byte)'(');

    public PickleBuilder Tuple() => Op((byte)'t');

    public PickleBuilder EmptyTuple() => Op((byte)')');

    public PickleBuilder Tuple1() => Op(0x85);

    public PickleBuilder Tuple2() => Op(0x86);

    public PickleBuilder EmptyDict() => Op((byte)'}');

    public PickleBuilder EmptyList() => Op((byte)']');

    public PickleBuilder SetItems() => Op((byte)'u');

    public PickleBuilder Reduce() => Op((byte)'R');

    public PickleBuilder Build() => Op((byte)'b');

    public PickleBuilder BinPersId() => Op((byte)'Q');

    public PickleBuilder Memoize() => Op(0x94);

    public PickleBuilder BinGet(byte slot) => Op((byte)'h').Raw(slot);

    public PickleBuilder Pop() => Op((byte)'0');

    public PickleBuilder Stop() => Op((byte)'.');

    /// <summary>Pushes <c>('storage', torch.&lt;storageClass&gt;, key, 'cpu', numel)</c> and loads it as a persistent id.</summary>
    public PickleBuilder Storage(string storageClass, string key, int numel) =>
        Storage(storageClass, key, p => p.Int(numel));

    /// <summary>The same persistent id with its numel pushed by <paramref name="pushNumel"/> (e.g. as LONG1).</summary>
    public PickleBuilder Storage(string storageClass, string key, Action<PickleBuilder> pushNumel)
    {
        Mark().Str("storage").Global("torch", storageClass).Str(key).Str("cpu");
        pushNumel(this);
        return Tuple().BinPersId();
    }

    /// <summary>
    /// <c>_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())</c>, the storage pushed by
    /// <paramref name="pushStorage"/>.
    /// </summary>
    public PickleBuilder Tensor(Action<PickleBuilder> pushStorage, int offset, int[] size, int[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        pushStorage(this);
        Int(offset).Mark();
        foreach (var s in size)
        {
            Int(s);
        }
        Tuple().Mark();
        foreach (var s in stride)
        {
            Int(s);
        }
        return Tuple().False().Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce();
    }

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>Writes a zip in torch.save's layout: <c>archive/data.pkl</c>, <c>archive/data/&lt;key&gt;</c>, <c>archive/version</c>.</summary>
    public static void WriteCheckpoint(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]>? storages = null, string folder = "archive")
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, $"{folder}/data.pkl", pickle);
        foreach (var (key, bytes) in storages ?? new Dictionary<string, byte[]>())
        {
            Add(zip, $"{folder}/data/{key}", bytes);
        }
        Add(zip, $"{folder}/version", Encoding.ASCII.GetBytes("3\n"));
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }

    private static byte[] LittleEndianTwosComplement(long value) =>
        value == 0 ? [] : new System.Numerics.BigInteger(value).ToByteArray(isUnsigned: false, isBigEndian: false);

    private PickleBuilder Op(byte op) => Raw(op);

    private PickleBuilder Raw(params byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }
}
