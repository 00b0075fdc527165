using System.Text.Json;
using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Pickle;
using Vpd.TestSupport;
using static TorchSharp.torch;
using Vpd.Tools.Checkpoints;

namespace Vpd.Model.Tests.Checkpoints;

public sealed class TorchCheckpointReaderTests
{
    private static readonly string[] TestPrefixes = ["input.", "output.", "intermediate.", "constant."];

    [SkippableFact]
    public void Read_GoldenVpdCheckpoint_EveryModelTensorEqualsTheSafetensorsOne()
    {
        var pth = RepoPaths.Golden("vpd_refer_tiny.pth");
        var reference = SafetensorsFile.Load(RepoPaths.Golden("vpd_refer_tiny.safetensors"), k => !TestPrefixes.Any(k.StartsWith));

        var checkpoint = TorchCheckpointReader.Read(pth, "model");

        Assert.Equal(reference.Keys.Order(StringComparer.Ordinal), checkpoint.Tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, tensor) in checkpoint.Tensors)
        {
            GoldenTensorAssert.Exact(key, tensor, reference[key]);
        }
    }

    [SkippableFact]
    public void Read_GoldenVpdCheckpoint_ArgsTokenLengthMatchesTheModelConfig()
    {
        var config = SafetensorsFile.ReadMetadata(RepoPaths.Golden("vpd_refer_tiny.safetensors"))["config"];
        var expected = JsonDocument.Parse(config).RootElement.GetProperty("token_length").GetInt64();

        var checkpoint = TorchCheckpointReader.Read(RepoPaths.Golden("vpd_refer_tiny.pth"), "model");

        Assert.NotNull(checkpoint.Args);
        Assert.Equal(expected, checkpoint.Args!["token_length"]);
        Assert.IsType<long>(checkpoint.Args["img_size"]);
        Assert.Contains("optimizer", checkpoint.TopLevelKeys);
    }

    [SkippableFact]
    public void Read_GoldenVpdCheckpointWithFilter_ReadsOnlyIncludedTensors()
    {
        var checkpoint = TorchCheckpointReader.Read(RepoPaths.Golden("vpd_refer_tiny.pth"), "model", k => k.StartsWith("classifier.", StringComparison.Ordinal));

        Assert.NotEmpty(checkpoint.Tensors);
        Assert.All(checkpoint.Tensors.Keys, k => Assert.StartsWith("classifier.", k));
    }

    [Fact]
    public void Read_SharedStorageOffsetsStridesAndDtypes_RebuildsEachView()
    {
        using var dir = new TempDir();
        var path = dir.File("views.ckpt");
        var floats = torch.tensor(new float[] { 0, 1, 2, 3, 4, 5 });
        var halves = torch.tensor(new float[] { 1.5f, -2f, 0.25f }).to(ScalarType.Float16);
        var bfloats = torch.tensor(new float[] { 3f, -0.5f }).to(ScalarType.BFloat16);
        var longs = torch.tensor(new long[] { 7, 1234 });
        void F(PickleBuilder p) => p.Storage("FloatStorage", "0", 6);
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("state_dict").Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark()
                .Str("a").Tensor(F, 0, [2, 3], [3, 1])
                .Str("b").Tensor(F, 1, [2, 2], [1, 3])
                .Str("h").Tensor(p => p.Storage("HalfStorage", "1", 3), 1, [2], [1])
                .Str("bf").Tensor(p => p.Storage("BFloat16Storage", "2", 2), 0, [2], [1])
                .Str("n").Tensor(p => p.Storage("LongStorage", "3", 2), 1, [], [])
                .SetItems()
            // The optimizer's storage is not even in the archive: reading 'state_dict' must never touch it.
            .Str("optimizer").Tensor(p => p.Storage("FloatStorage", "99", 4), 0, [4], [1])
            .Str("epoch").Int(3)
            .SetItems().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle, new Dictionary<string, byte[]>
        {
            ["0"] = floats.bytes.ToArray(), ["1"] = halves.bytes.ToArray(), ["2"] = bfloats.bytes.ToArray(), ["3"] = longs.bytes.ToArray(),
        });

        var tensors = TorchCheckpointReader.Read(path, "state_dict").Tensors;

        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, tensors["a"].data<float>().ToArray());
        Assert.Equal([2L, 3L], tensors["a"].shape);
        Assert.Equal(new float[] { 1, 4, 2, 5 }, tensors["b"].data<float>().ToArray());
        Assert.Equal(ScalarType.Float16, tensors["h"].dtype);
        Assert.Equal(new float[] { -2f, 0.25f }, tensors["h"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(ScalarType.BFloat16, tensors["bf"].dtype);
        Assert.Equal(new float[] { 3f, -0.5f }, tensors["bf"].to(ScalarType.Float32).data<float>().ToArray());
        Assert.Empty(tensors["n"].shape);
        Assert.Equal(1234L, tensors["n"].item<long>());
    }

    /// <summary>Python pickles ints outside the 32-bit range with LONG1/LONG4; a hand-written pickle may use them for any int.</summary>
    [Fact]
    public void Read_StorageSizesOffsetsAndShapesAsLong1AndLong4_ReadLikeBinInt()
    {
        using var dir = new TempDir();
        var path = dir.File("longs.ckpt");
        var floats = torch.tensor(new float[] { 0, 1, 2, 3, 4, 5 });
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("state_dict").Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark()
                .Str("a").Tensor(p => p.Storage("FloatStorage", "0", q => q.Long1(6)), 0, [2, 3], [3, 1])
                .Str("b").Tensor(p => p.Storage("FloatStorage", "1", q => q.Long4(6)), 0, [6], [1])
                .SetItems()
            .SetItems().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle, new Dictionary<string, byte[]> { ["0"] = floats.bytes.ToArray(), ["1"] = floats.bytes.ToArray() });

        var tensors = TorchCheckpointReader.Read(path, "state_dict").Tensors;

        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, tensors["a"].data<float>().ToArray());
        Assert.Equal([2L, 3L], tensors["a"].shape);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, tensors["b"].data<float>().ToArray());
    }

    [Fact]
    public void Read_StorageSizeAsLong1FarBeyondItsBytes_RefusesNamingTheStorageBeforeAllocating()
    {
        using var dir = new TempDir();
        var path = dir.File("big.ckpt");
        // 2^61 floats: allocating them first would end in libtorch's "tried to allocate" instead of a refusal.
        const long numel = 1L << 61;
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("state_dict").Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark()
                .Str("a").Tensor(p => p.Storage("FloatStorage", "0", q => q.Long1(numel)), 0, [2], [1])
                .SetItems()
            .SetItems().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle, new Dictionary<string, byte[]> { ["0"] = new byte[8] });

        var error = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Read(path, "state_dict"));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"storage 'archive/data/0' holds 8 bytes but {numel} elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ZeroStrideViewLargerThanItsStorage_RefusesNamingTheTensor()
    {
        using var dir = new TempDir();
        var path = dir.File("expanded.ckpt");
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("state_dict").Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark()
                .Str("huge").Tensor(p => p.Storage("FloatStorage", "0", 1), 0, [1 << 30, 1 << 30], [0, 0])
                .SetItems()
            .SetItems().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle, new Dictionary<string, byte[]> { ["0"] = new byte[4] });

        var error = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Read(path, "state_dict"));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("'huge'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GlobalOsSystem_RefusesNamingGlobalAndFile()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.pth");
        var pickle = new PickleBuilder().Proto(2).Global("os", "system").Str("echo pwned").Tuple1().Reduce().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle);

        var error = Assert.Throws<UnsafePickleException>(() => TorchCheckpointReader.Read(path, "model"));

        Assert.Equal("os.system", error.Global);
        Assert.Contains("os.system", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Read_StackGlobalBuiltinsEval_RefusesNamingGlobalAndFile()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.ckpt");
        var pickle = new PickleBuilder().Proto(4).Str("builtins").Memoize().Str("eval").Memoize().StackGlobal()
            .Str("1+1").Tuple1().Reduce().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle);

        var error = Assert.Throws<UnsafePickleException>(() => TorchCheckpointReader.Read(path, "model"));

        Assert.Equal("builtins.eval", error.Global);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Read_StackGlobalOperandFromMemo_RefusesTheResolvedGlobal()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.ckpt");
        // "builtins" is stored in the memo and fetched back later, hiding it from a scan that only looks
        // at the instruction just before STACK_GLOBAL.
        var pickle = new PickleBuilder().Proto(4).Str("builtins").Memoize().Pop().Str("collections").Pop()
            .BinGet(0).Str("exec").StackGlobal().Str("x").Tuple1().Reduce().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle);

        var error = Assert.Throws<UnsafePickleException>(() => TorchCheckpointReader.Read(path, "model"));

        Assert.Equal("builtins.exec", error.Global);
    }

    [Fact]
    public void Read_InstPosixSystem_RefusesNamingGlobal()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.pth");
        var pickle = new PickleBuilder().Proto(2).Mark().Str("id").Inst("posix", "system").Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle);

        var error = Assert.Throws<UnsafePickleException>(() => TorchCheckpointReader.Read(path, "model"));

        Assert.Equal("posix.system", error.Global);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Read_ForbiddenGlobalAfterOtherContent_RefusesBeforeUnpicklingAnything()
    {
        using var dir = new TempDir();
        var path = dir.File("evil.pth");
        // A broken persistent id comes first: unpickling would fail on it, so the refusal proves the
        // whole pickle was scanned before any of it ran.
        var pickle = new PickleBuilder().Proto(2).Str("not a storage id").BinPersId().Pop()
            .Global("subprocess", "Popen").Str("ls").Tuple1().Reduce().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle);

        var error = Assert.Throws<UnsafePickleException>(() => TorchCheckpointReader.Read(path, "model"));

        Assert.Equal("subprocess.Popen", error.Global);
    }

    [Fact]
    public void Read_NotAZip_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        var path = dir.File("corrupt.pth");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        var error = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Read(path, "model"));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Read_ZipWithoutDataPkl_ThrowsNamingFile()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.pth");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntry("archive/version");
        }

        var error = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Read(path, "model"));

        Assert.Contains(path, error.Message);
        Assert.Contains("data.pkl", error.Message);
    }

    [Fact]
    public void Read_MissingStateDictKey_ThrowsListingTopLevelKeys()
    {
        using var dir = new TempDir();
        var path = dir.File("other.ckpt");
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Mark().Str("epoch").Int(1).Str("state_dict").EmptyDict().SetItems().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle);

        var error = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Read(path, "model"));

        Assert.Contains(path, error.Message);
        Assert.Contains("'model'", error.Message);
        Assert.Contains("state_dict", error.Message);
    }

    [Fact]
    public void Read_ViewBeyondStorage_ThrowsNamingTensor()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.ckpt");
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Mark()
            .Str("w").Tensor(p => p.Storage("FloatStorage", "0", 4), 2, [3], [1])
            .SetItems().Stop().ToArray();
        PickleBuilder.WriteCheckpoint(path, pickle, new Dictionary<string, byte[]> { ["0"] = new byte[16] });

        var error = Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.Read(path, null));

        Assert.Contains("'w'", error.Message);
        Assert.Contains(path, error.Message);
    }
}
