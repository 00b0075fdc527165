using Vpd.Core.Pickle;

namespace Vpd.Core.Refer;

/// <summary>
/// Walks a pickle's opcodes without executing anything and refuses every opcode that could
/// name or build a Python object (GLOBAL, STACK_GLOBAL, INST, OBJ, NEWOBJ, REDUCE, BUILD, EXT*,
/// persistent ids, out-of-band buffers). Razorvine's unpickler never runs code, but it silently
/// turns any unknown global (even <c>os.system</c>) into a plain object; scanning first means a
/// refs file that is anything but plain dicts, lists, strings and numbers is rejected outright.
/// Decoding goes through <see cref="PickleInstructionReader"/>, the reader the checkpoint loader uses.
/// </summary>
internal static class PickleOpcodeScanner
{
    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="source"/> unless the pickle is plain data.</summary>
    public static void RequirePlainData(byte[] pickle, string source)
    {
        // A shadow of the last two pushed values, as far as they are strings, so that a
        // STACK_GLOBAL can be reported by the module and name it would have loaded.
        string? previous = null, last = null;
        var memo = new Dictionary<long, string?>();
        foreach (var instruction in PickleInstructionReader.Read(pickle, source))
        {
            var (op, arg, at) = instruction;
            switch (op)
            {
                case PickleOp.Global:
                case PickleOp.Inst:
                    throw Refused(source, op == PickleOp.Global ? "GLOBAL" : "INST", at, arg!.ToString());
                case PickleOp.StackGlobal:
                    throw Refused(source, "STACK_GLOBAL", at, previous is not null && last is not null ? $"{previous}.{last}" : "(module and name not plain strings)");
                case PickleOp.Obj or PickleOp.NewObj or PickleOp.NewObjEx or PickleOp.Reduce or PickleOp.Build
                    or PickleOp.Ext1 or PickleOp.Ext2 or PickleOp.Ext4 or PickleOp.PersId or PickleOp.BinPersId
                    or PickleOp.NextBuffer or PickleOp.ReadOnlyBuffer:
                    throw Refused(source, ObjectOpcodeName(op), at, null);
                case PickleOp.Put or PickleOp.BinPut or PickleOp.LongBinPut:
                    memo[(long)arg!] = last;
                    continue;
                case PickleOp.Memoize:
                    memo[memo.Count] = last;
                    continue;
                case PickleOp.Proto or PickleOp.Frame or PickleOp.Stop:
                    continue;
            }
            var pushed = op switch
            {
                PickleOp.Get or PickleOp.BinGet or PickleOp.LongBinGet => memo.GetValueOrDefault((long)arg!),
                _ => arg as string,
            };
            previous = last;
            last = pushed;
        }
    }

    private static string ObjectOpcodeName(byte op) => op switch
    {
        PickleOp.Obj => "OBJ",
        PickleOp.NewObj => "NEWOBJ",
        PickleOp.NewObjEx => "NEWOBJ_EX",
        PickleOp.Reduce => "REDUCE",
        PickleOp.Build => "BUILD",
        PickleOp.Ext1 => "EXT1",
        PickleOp.Ext2 => "EXT2",
        PickleOp.Ext4 => "EXT4",
        PickleOp.PersId => "PERSID",
        PickleOp.BinPersId => "BINPERSID",
        PickleOp.NextBuffer => "NEXT_BUFFER",
        _ => "READONLY_BUFFER",
    };

    private static InvalidDataException Refused(string source, string opcode, long at, string? global) =>
        new(global is null
            ? $"{source}: refused pickle opcode {opcode} at byte {at}: only plain lists, dicts, strings and numbers are accepted"
            : $"{source}: refused pickle global '{global}' ({opcode} at byte {at}): only plain lists, dicts, strings and numbers are accepted");
}
