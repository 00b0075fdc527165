using System.Collections;
using System.Text;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Pickle;
using Vpd.TestSupport;
using Vpd.Tools.Checkpoints;

namespace Vpd.Model.Tests.Checkpoints;

public sealed class RestrictedUnpicklerTests
{
    [SkippableFact]
    public void Load_ReferPicklesInProtocols0And2_GiveTheSameData()
    {
        var binary = RepoPaths.Golden("refer_tiny", "refcoco", "refs(unc).p");
        var text = RepoPaths.Golden("refer_tiny", "refcoco", "refs(unc)_protocol0.p");

        var fromBinary = RestrictedUnpickler.Load(File.ReadAllBytes(binary), new PickleGlobals(), null, binary);
        var fromText = RestrictedUnpickler.Load(File.ReadAllBytes(text), new PickleGlobals(), null, text);

        var refs = Assert.IsType<List<object?>>(fromBinary);
        Assert.NotEmpty(refs);
        Assert.IsType<PyDict>(refs[0]);
        AssertSameValue("refs", fromBinary, fromText);
    }

    [Fact]
    public void Load_ProtocolZeroTextOpcodes_DecodesUnicodeIntsAndQuotedStrings()
    {
        var pickle = Encoding.Latin1.GetBytes("(lp0\nVcaf\\u00e9\np1\naI42\naI01\naS'a\\'b\\x41'\np2\nag1\na.");

        var value = RestrictedUnpickler.Load(pickle, new PickleGlobals(), null, "text.p");

        Assert.Equal(new List<object?> { "caf\u00e9", 42L, true, "a'bA", "caf\u00e9" }, Assert.IsType<List<object?>>(value));
    }

    [Fact]
    public void Load_NumpyInt64ScalarAsSavedByProtocol2_GivesTheNumber()
    {
        // global_step = numpy.int64(855104): scalar(dtype('i8', False, True) + BUILD state, _codecs.encode(bytes, 'latin1')).
        var raw = BitConverter.GetBytes(855104L);
        var pickle = new PickleBuilder().Proto(2)
            .Global("numpy.core.multiarray", "scalar")
            .Global("numpy", "dtype").Mark().Str("i8").False().Int(1).Tuple().Reduce()
            .Mark().Int(3).Str("<").Tuple().Build()
            .Global("_codecs", "encode").Mark().Str(Encoding.Latin1.GetString(raw)).Str("latin1").Tuple().Reduce()
            .Tuple2().Reduce().Stop().ToArray();

        var value = RestrictedUnpickler.Load(pickle, TorchPickleGlobals.Create("step.ckpt"), null, "step.ckpt");

        Assert.Equal(855104L, value);
    }

    [Fact]
    public void Load_CallOfReferenceOnlyGlobal_ThrowsNamingIt()
    {
        var pickle = new PickleBuilder().Proto(2).Global("torch", "FloatStorage").EmptyTuple().Reduce().Stop().ToArray();

        var error = Assert.Throws<InvalidDataException>(() => RestrictedUnpickler.Load(pickle, TorchPickleGlobals.Create("s.ckpt"), null, "s.ckpt"));

        Assert.Contains("torch.FloatStorage", error.Message);
        Assert.Contains("s.ckpt", error.Message);
    }

    [Fact]
    public void Load_TruncatedPickle_ThrowsNamingSource()
    {
        var pickle = new PickleBuilder().Proto(2).Str("abc").ToArray()[..^1];

        var error = Assert.Throws<InvalidDataException>(() => RestrictedUnpickler.Load(pickle, new PickleGlobals(), null, "cut.pkl"));

        Assert.Contains("cut.pkl", error.Message);
    }

    private static void AssertSameValue(string path, object? a, object? b)
    {
        switch (a)
        {
            case PyDict da:
                var db = Assert.IsType<PyDict>(b);
                Assert.Equal(da.Items.Select(p => p.Key), db.Items.Select(p => p.Key));
                foreach (var (key, value) in da.Items)
                {
                    Assert.True(db.TryGetValue(key, out var other));
                    AssertSameValue($"{path}.{key}", value, other);
                }
                break;
            case IList la when a is not string:
                var lb = Assert.IsAssignableFrom<IList>(b);
                Assert.Equal(la.Count, lb.Count);
                for (var i = 0; i < la.Count; i++)
                {
                    AssertSameValue($"{path}[{i}]", la[i], lb[i]);
                }
                break;
            default:
                Assert.True(Equals(a, b), $"{path}: {a} != {b}");
                break;
        }
    }
}
