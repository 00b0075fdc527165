using System.Text;
using Razorvine.Pickle;
using Vpd.Core.Refer;
using Vpd.TestSupport;

namespace Vpd.Core.Tests.Refer;

public sealed class RefsPickleTests
{
    [Fact]
    public void Parse_GlobalOpcode_RefusedNamingGlobalAndSource()
    {
        // Protocol 2: GLOBAL 'os system', then an empty tuple and REDUCE: os.system() if executed.
        byte[] pickle = [0x80, 0x02, .. "cos\nsystem\n"u8, (byte)')', (byte)'R', (byte)'.'];
        var error = Assert.Throws<InvalidDataException>(() => RefsPickle.Parse(pickle, "evil.p"));
        Assert.Contains("evil.p", error.Message);
        Assert.Contains("'os.system'", error.Message);
    }

    [Fact]
    public void Parse_StackGlobalOpcode_RefusedNamingGlobal()
    {
        // Protocol 4: SHORT_BINUNICODE 'builtins', MEMOIZE, SHORT_BINUNICODE 'eval', MEMOIZE, STACK_GLOBAL.
        byte[] pickle = [0x80, 0x04, 0x8c, 8, .. "builtins"u8, 0x94, 0x8c, 4, .. "eval"u8, 0x94, 0x93, (byte)'.'];
        var error = Assert.Throws<InvalidDataException>(() => RefsPickle.Parse(pickle, "evil4.p"));
        Assert.Contains("evil4.p", error.Message);
        Assert.Contains("'builtins.eval'", error.Message);
        Assert.Contains("STACK_GLOBAL", error.Message);
    }

    [Fact]
    public void Parse_TruncatedPickle_CorruptErrorNamesSource()
    {
        var whole = PlainRefsPickle();
        var error = Assert.Throws<InvalidDataException>(() => RefsPickle.Parse(whole[..(whole.Length / 2)], "half.p"));
        Assert.Contains("half.p", error.Message);
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void Parse_UnknownOpcode_CorruptErrorNamesSource()
    {
        byte[] pickle = [0x80, 0x02, 0xff, (byte)'.'];
        var error = Assert.Throws<InvalidDataException>(() => RefsPickle.Parse(pickle, "junk.p"));
        Assert.Contains("junk.p", error.Message);
        Assert.Contains("0xff", error.Message);
    }

    [Fact]
    public void Parse_StackUnderflow_CorruptErrorNamesSource()
    {
        // APPEND with nothing on the stack: well-formed opcodes, impossible program.
        byte[] pickle = [0x80, 0x02, (byte)'a', (byte)'.'];
        var error = Assert.Throws<InvalidDataException>(() => RefsPickle.Parse(pickle, "underflow.p"));
        Assert.Contains("underflow.p", error.Message);
    }

    [Fact]
    public void Parse_DictInsteadOfList_ErrorSaysWhatWasFound()
    {
        using var pickler = new Pickler();
        var pickle = pickler.dumps(new Dictionary<string, object> { ["ref_id"] = 1 });
        var error = Assert.Throws<InvalidDataException>(() => RefsPickle.Parse(pickle, "dict.p"));
        Assert.Contains("dict.p", error.Message);
        Assert.Contains("list of refs", error.Message);
    }

    [Fact]
    public void Parse_RefWithoutSentences_ErrorNamesRef()
    {
        using var pickler = new Pickler();
        var pickle = pickler.dumps(new List<object>
        {
            new Dictionary<string, object> { ["ref_id"] = 5, ["ann_id"] = 1, ["image_id"] = 2, ["split"] = "val" },
        });
        var error = Assert.Throws<InvalidDataException>(() => RefsPickle.Parse(pickle, "refs.p"));
        Assert.Contains("refs.p", error.Message);
        Assert.Contains("ref_id 5", error.Message);
        Assert.Contains("'sentences'", error.Message);
    }

    [Fact]
    public void Parse_PlainRefs_ReadsEveryField()
    {
        var refs = RefsPickle.Parse(PlainRefsPickle(), "plain.p");
        var only = Assert.Single(refs);
        Assert.Equal((7L, 70L, 700L, "testA", 3L), (only.RefId, only.AnnId, only.ImageId, only.Split, only.CategoryId));
        var sentence = Assert.Single(only.Sentences);
        Assert.Equal((11L, "the red one", "The red one!"), (sentence.SentId, sentence.Sent, sentence.Raw));
        Assert.Equal(["the", "red", "one"], sentence.Tokens);
    }

    [Fact]
    public void Read_MissingFile_ErrorNamesPath()
    {
        using var temp = new TempDir();
        var path = temp.File("refs(unc).p");
        var error = Assert.Throws<FileNotFoundException>(() => RefsPickle.Read(path));
        Assert.Contains(path, error.Message);
    }

    private static byte[] PlainRefsPickle()
    {
        using var pickler = new Pickler();
        return pickler.dumps(new List<object>
        {
            new Dictionary<string, object>
            {
                ["ref_id"] = 7,
                ["ann_id"] = 70,
                ["image_id"] = 700,
                ["split"] = "testA",
                ["category_id"] = 3,
                ["sentences"] = new List<object>
                {
                    new Dictionary<string, object>
                    {
                        ["sent_id"] = 11,
                        ["sent"] = "the red one",
                        ["raw"] = "The red one!",
                        ["tokens"] = new List<object> { "the", "red", "one" },
                    },
                },
            },
        });
    }
}
