using Vpd.Core.Pickle;

namespace Vpd.Tools.Checkpoints.Pickle;

/// <summary>
/// Reads a pickle's opcodes without executing them and refuses it when any GLOBAL, INST or STACK_GLOBAL
/// names something outside the allow-list. STACK_GLOBAL takes its module and name from the stack, so the
/// scan follows the string pushes (memo stores and fetches included) that feed it; operands it cannot
/// resolve to two strings are refused too.
/// </summary>
public static class PickleGlobalScanner
{
    // Stand-in for any stack value that is not a string the scan knows.
    private static readonly object Unknown = new();

    /// <summary>Returns the distinct globals the pickle uses (all allowed), or throws <see cref="UnsafePickleException"/>.</summary>
    public static IReadOnlyList<GlobalName> Scan(byte[] pickle, string source, Func<GlobalName, bool> isAllowed)
    {
        var found = new List<GlobalName>();
        var memo = new Dictionary<long, object>();
        // The two most recent pushes are all STACK_GLOBAL can consume; a short history is enough.
        var recent = new List<object>();
        foreach (var instruction in PickleInstructionReader.Read(pickle, source))
        {
            switch (instruction.Op)
            {
                case PickleOp.Global:
                case PickleOp.Inst:
                    Check((GlobalName)instruction.Arg!, instruction.Op == PickleOp.Global ? "GLOBAL" : "INST");
                    Push(Unknown);
                    break;
                case PickleOp.StackGlobal:
                    if (recent.Count < 2 || recent[^2] is not string module || recent[^1] is not string name)
                    {
                        throw new UnsafePickleException(source, "STACK_GLOBAL", "STACK_GLOBAL with operands that are not two literal strings,");
                    }
                    Check(new GlobalName(module, name), "STACK_GLOBAL");
                    recent.RemoveRange(recent.Count - 2, 2);
                    Push(Unknown);
                    break;
                case PickleOp.Ext1:
                case PickleOp.Ext2:
                case PickleOp.Ext4:
                    throw new UnsafePickleException(source, $"EXT code {instruction.Arg}", "the extension-registry opcode for");
                case PickleOp.ShortBinUnicode:
                case PickleOp.BinUnicode:
                case PickleOp.BinUnicode8:
                case PickleOp.Unicode:
                case PickleOp.String:
                case PickleOp.BinString:
                case PickleOp.ShortBinString:
                    Push(instruction.Arg!);
                    break;
                case PickleOp.Put:
                case PickleOp.BinPut:
                case PickleOp.LongBinPut:
                    memo[(long)instruction.Arg!] = recent.Count > 0 ? recent[^1] : Unknown;
                    break;
                case PickleOp.Memoize:
                    memo[memo.Count] = recent.Count > 0 ? recent[^1] : Unknown;
                    break;
                case PickleOp.Get:
                case PickleOp.BinGet:
                case PickleOp.LongBinGet:
                    Push(memo.GetValueOrDefault((long)instruction.Arg!, Unknown));
                    break;
                case PickleOp.Frame:
                case PickleOp.Proto:
                    break;
                default:
                    Push(Unknown);
                    break;
            }
        }
        return found;

        void Check(GlobalName global, string opcode)
        {
            if (!isAllowed(global))
            {
                throw new UnsafePickleException(source, global.ToString(), $"{opcode} of");
            }
            if (!found.Contains(global))
            {
                found.Add(global);
            }
        }

        void Push(object value)
        {
            recent.Add(value);
            if (recent.Count > 4)
            {
                recent.RemoveAt(0);
            }
        }
    }
}
