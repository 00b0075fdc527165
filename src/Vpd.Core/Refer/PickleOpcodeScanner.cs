using System.Buffers.Binary;
using System.Text;

namespace Vpd.Core.Refer;

/// <summary>
/// Walks a pickle's opcodes without executing anything and refuses every opcode that could
/// name or build a Python object (GLOBAL, STACK_GLOBAL, INST, OBJ, NEWOBJ, REDUCE, BUILD, EXT*,
/// persistent ids, out-of-band buffers). Razorvine's unpickler never runs code, but it silently
/// turns any unknown global (even <c>os.system</c>) into a plain object; scanning first means a
/// refs file that is anything but plain dicts, lists, strings and numbers is rejected outright.
/// </summary>
internal static class PickleOpcodeScanner
{
    private enum Argument
    {
        None,
        Fixed,
        Line,
        TwoLines,
        Length1,
        Length4,
        Length8,
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="source"/> unless the pickle is plain data.</summary>
    public static void RequirePlainData(ReadOnlySpan<byte> pickle, string source)
    {
        // A shadow of the last two pushed values, as far as they are strings, so that a
        // STACK_GLOBAL can be reported by the module and name it would have loaded.
        string? previous = null, last = null;
        var memo = new Dictionary<long, string?>();
        var position = 0;
        while (true)
        {
            if (position >= pickle.Length)
            {
                throw new InvalidDataException($"{source}: corrupt pickle: it ends at byte {position} without a STOP opcode");
            }
            var opcodeAt = position;
            var opcode = pickle[position++];
            var (name, argument, size) = Describe(opcode);
            if (name is null)
            {
                throw new InvalidDataException($"{source}: corrupt pickle: unknown opcode 0x{opcode:x2} at byte {opcodeAt}");
            }
            var payload = ReadArgument(pickle, ref position, argument, size, name, opcodeAt, source);
            switch (opcode)
            {
                case (byte)'.':
                    return;
                case (byte)'c':
                case (byte)'i':
                    {
                        var text = Encoding.UTF8.GetString(payload).Split('\n');
                        throw Refused(source, name, opcodeAt, $"{text[0]}.{text[1]}");
                    }
                case 0x93:
                    throw Refused(source, name, opcodeAt, previous is not null && last is not null ? $"{previous}.{last}" : "(module and name not plain strings)");
                case (byte)'o':
                case 0x81:
                case 0x92:
                case (byte)'R':
                case (byte)'b':
                case 0x82:
                case 0x83:
                case 0x84:
                case (byte)'P':
                case (byte)'Q':
                case 0x97:
                case 0x98:
                    throw Refused(source, name, opcodeAt, null);
            }

            // Keep the string shadow and the memo of strings up to date.
            string? pushed = null;
            var pushes = true;
            switch (opcode)
            {
                case (byte)'X':
                case 0x8c:
                case 0x8d:
                    pushed = Encoding.UTF8.GetString(payload);
                    break;
                case (byte)'V':
                case (byte)'S':
                case (byte)'T':
                case (byte)'U':
                    pushed = Encoding.Latin1.GetString(payload);
                    break;
                case (byte)'p':
                    memo[MemoIndex(payload, source, opcodeAt)] = last;
                    pushes = false;
                    break;
                case (byte)'q':
                    memo[payload[0]] = last;
                    pushes = false;
                    break;
                case (byte)'r':
                    memo[BinaryPrimitives.ReadUInt32LittleEndian(payload)] = last;
                    pushes = false;
                    break;
                case 0x94:
                    memo[memo.Count] = last;
                    pushes = false;
                    break;
                case (byte)'g':
                    memo.TryGetValue(MemoIndex(payload, source, opcodeAt), out pushed);
                    break;
                case (byte)'h':
                    memo.TryGetValue(payload[0], out pushed);
                    break;
                case (byte)'j':
                    memo.TryGetValue(BinaryPrimitives.ReadUInt32LittleEndian(payload), out pushed);
                    break;
                case 0x80:
                case 0x95:
                    pushes = false;
                    break;
            }
            if (pushes)
            {
                previous = last;
                last = pushed;
            }
        }
    }

    private static long MemoIndex(ReadOnlySpan<byte> text, string source, int opcodeAt) =>
        long.TryParse(Encoding.ASCII.GetString(text), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new InvalidDataException($"{source}: corrupt pickle: memo index at byte {opcodeAt} is not a number");

    private static InvalidDataException Refused(string source, string opcode, int at, string? global) =>
        new(global is null
            ? $"{source}: refused pickle opcode {opcode} at byte {at}: only plain lists, dicts, strings and numbers are accepted"
            : $"{source}: refused pickle global '{global}' ({opcode} at byte {at}): only plain lists, dicts, strings and numbers are accepted");

    private static ReadOnlySpan<byte> ReadArgument(
        ReadOnlySpan<byte> pickle, ref int position, Argument argument, int size, string name, int opcodeAt, string source)
    {
        long length;
        switch (argument)
        {
            case Argument.None:
                return [];
            case Argument.Fixed:
                length = size;
                break;
            case Argument.Line:
            case Argument.TwoLines:
                {
                    var lines = argument == Argument.Line ? 1 : 2;
                    var end = position;
                    for (var found = 0; found < lines; found++)
                    {
                        var newline = pickle[end..].IndexOf((byte)'\n');
                        if (newline < 0)
                        {
                            throw Truncated(source, name, opcodeAt);
                        }
                        end += newline + 1;
                    }
                    var text = pickle[position..(end - 1)];
                    position = end;
                    return text;
                }
            case Argument.Length1:
                RequireBytes(pickle, position, 1, source, name, opcodeAt);
                length = pickle[position];
                position += 1;
                break;
            case Argument.Length4:
                RequireBytes(pickle, position, 4, source, name, opcodeAt);
                length = BinaryPrimitives.ReadInt32LittleEndian(pickle[position..]);
                position += 4;
                break;
            default:
                RequireBytes(pickle, position, 8, source, name, opcodeAt);
                length = BinaryPrimitives.ReadInt64LittleEndian(pickle[position..]);
                position += 8;
                break;
        }
        if (length < 0)
        {
            throw new InvalidDataException($"{source}: corrupt pickle: {name} at byte {opcodeAt} has a negative length");
        }
        RequireBytes(pickle, position, length, source, name, opcodeAt);
        var data = pickle.Slice(position, (int)length);
        position += (int)length;
        return data;
    }

    private static void RequireBytes(ReadOnlySpan<byte> pickle, int position, long count, string source, string name, int opcodeAt)
    {
        if (position + count > pickle.Length)
        {
            throw Truncated(source, name, opcodeAt);
        }
    }

    private static InvalidDataException Truncated(string source, string name, int opcodeAt) =>
        new($"{source}: corrupt pickle: the argument of {name} at byte {opcodeAt} runs past the end of the file");

    /// <summary>The opcode table of pickle protocols 0-5 (Python's pickletools): name, argument kind and fixed size.</summary>
    private static (string? Name, Argument Argument, int Size) Describe(byte opcode) => opcode switch
    {
        (byte)'(' => ("MARK", Argument.None, 0),
        (byte)'.' => ("STOP", Argument.None, 0),
        (byte)'0' => ("POP", Argument.None, 0),
        (byte)'1' => ("POP_MARK", Argument.None, 0),
        (byte)'2' => ("DUP", Argument.None, 0),
        (byte)'F' => ("FLOAT", Argument.Line, 0),
        (byte)'I' => ("INT", Argument.Line, 0),
        (byte)'J' => ("BININT", Argument.Fixed, 4),
        (byte)'K' => ("BININT1", Argument.Fixed, 1),
        (byte)'L' => ("LONG", Argument.Line, 0),
        (byte)'M' => ("BININT2", Argument.Fixed, 2),
        (byte)'N' => ("NONE", Argument.None, 0),
        (byte)'P' => ("PERSID", Argument.Line, 0),
        (byte)'Q' => ("BINPERSID", Argument.None, 0),
        (byte)'R' => ("REDUCE", Argument.None, 0),
        (byte)'S' => ("STRING", Argument.Line, 0),
        (byte)'T' => ("BINSTRING", Argument.Length4, 0),
        (byte)'U' => ("SHORT_BINSTRING", Argument.Length1, 0),
        (byte)'V' => ("UNICODE", Argument.Line, 0),
        (byte)'X' => ("BINUNICODE", Argument.Length4, 0),
        (byte)'a' => ("APPEND", Argument.None, 0),
        (byte)'b' => ("BUILD", Argument.None, 0),
        (byte)'c' => ("GLOBAL", Argument.TwoLines, 0),
        (byte)'d' => ("DICT", Argument.None, 0),
        (byte)'}' => ("EMPTY_DICT", Argument.None, 0),
        (byte)'e' => ("APPENDS", Argument.None, 0),
        (byte)'g' => ("GET", Argument.Line, 0),
        (byte)'h' => ("BINGET", Argument.Fixed, 1),
        (byte)'i' => ("INST", Argument.TwoLines, 0),
        (byte)'j' => ("LONG_BINGET", Argument.Fixed, 4),
        (byte)'l' => ("LIST", Argument.None, 0),
        (byte)']' => ("EMPTY_LIST", Argument.None, 0),
        (byte)'o' => ("OBJ", Argument.None, 0),
        (byte)'p' => ("PUT", Argument.Line, 0),
        (byte)'q' => ("BINPUT", Argument.Fixed, 1),
        (byte)'r' => ("LONG_BINPUT", Argument.Fixed, 4),
        (byte)'s' => ("SETITEM", Argument.None, 0),
        (byte)'t' => ("TUPLE", Argument.None, 0),
        (byte)')' => ("EMPTY_TUPLE", Argument.None, 0),
        (byte)'u' => ("SETITEMS", Argument.None, 0),
        (byte)'G' => ("BINFLOAT", Argument.Fixed, 8),
        0x80 => ("PROTO", Argument.Fixed, 1),
        0x81 => ("NEWOBJ", Argument.None, 0),
        0x82 => ("EXT1", Argument.Fixed, 1),
        0x83 => ("EXT2", Argument.Fixed, 2),
        0x84 => ("EXT4", Argument.Fixed, 4),
        0x85 => ("TUPLE1", Argument.None, 0),
        0x86 => ("TUPLE2", Argument.None, 0),
        0x87 => ("TUPLE3", Argument.None, 0),
        0x88 => ("NEWTRUE", Argument.None, 0),
        0x89 => ("NEWFALSE", Argument.None, 0),
        0x8a => ("LONG1", Argument.Length1, 0),
        0x8b => ("LONG4", Argument.Length4, 0),
        (byte)'B' => ("BINBYTES", Argument.Length4, 0),
        (byte)'C' => ("SHORT_BINBYTES", Argument.Length1, 0),
        0x8c => ("SHORT_BINUNICODE", Argument.Length1, 0),
        0x8d => ("BINUNICODE8", Argument.Length8, 0),
        0x8e => ("BINBYTES8", Argument.Length8, 0),
        0x8f => ("EMPTY_SET", Argument.None, 0),
        0x90 => ("ADDITEMS", Argument.None, 0),
        0x91 => ("FROZENSET", Argument.None, 0),
        0x92 => ("NEWOBJ_EX", Argument.None, 0),
        0x93 => ("STACK_GLOBAL", Argument.None, 0),
        0x94 => ("MEMOIZE", Argument.None, 0),
        0x95 => ("FRAME", Argument.Fixed, 8),
        0x96 => ("BYTEARRAY8", Argument.Length8, 0),
        0x97 => ("NEXT_BUFFER", Argument.None, 0),
        0x98 => ("READONLY_BUFFER", Argument.None, 0),
        _ => (null, Argument.None, 0),
    };
}
