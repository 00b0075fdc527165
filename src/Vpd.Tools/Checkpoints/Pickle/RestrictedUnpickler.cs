using System.Numerics;
using Vpd.Core.Pickle;

namespace Vpd.Tools.Checkpoints.Pickle;

/// <summary>
/// A pickle virtual machine that can only build plain data: numbers, strings, bytes, tuples
/// (<c>object?[]</c>), lists (<c>List&lt;object?&gt;</c>), sets (<c>HashSet&lt;object?&gt;</c>),
/// <see cref="PyDict"/>, and whatever the constructors of a <see cref="PickleGlobals"/> allow-list return.
/// It never loads or runs a type by name. Persistent ids (how PyTorch refers to tensor storages) go to a
/// caller-supplied function.
/// </summary>
public sealed class RestrictedUnpickler(PickleGlobals globals, Func<object?, object?>? persistentLoad, string source)
{
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();

    /// <summary>Scans the pickle against the allow-list, then unpickles it.</summary>
    public static object? Load(byte[] pickle, PickleGlobals globals, Func<object?, object?>? persistentLoad, string source)
    {
        PickleGlobalScanner.Scan(pickle, source, globals.IsAllowed);
        return new RestrictedUnpickler(globals, persistentLoad, source).Run(pickle);
    }

    private object? Run(byte[] pickle)
    {
        foreach (var (op, arg, position) in PickleInstructionReader.Read(pickle, source))
        {
            try
            {
                if (Execute(op, arg))
                {
                    return Pop();
                }
            }
            catch (InvalidCastException e)
            {
                throw new InvalidDataException($"{source}: pickle opcode 0x{op:x2} at byte {position} has operands of the wrong kind: {e.Message}", e);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new InvalidDataException($"{source}: pickle opcode 0x{op:x2} at byte {position} finds the stack too short", e);
            }
        }
        throw new InvalidDataException($"{source}: pickle ends without STOP");
    }

    // Returns true on STOP.
    private bool Execute(byte op, object? arg)
    {
        switch (op)
        {
            case PickleOp.Proto:
                if ((long)arg! > 5)
                {
                    throw new InvalidDataException($"{source}: pickle protocol {arg} is newer than 5");
                }
                break;
            case PickleOp.Frame:
                break;
            case PickleOp.Stop:
                return true;
            case PickleOp.Mark:
                _marks.Push(_stack.Count);
                break;
            case PickleOp.Pop:
                Pop();
                break;
            case PickleOp.PopMark:
                PopToMark();
                break;
            case PickleOp.Dup:
                Push(_stack[^1]);
                break;
            case PickleOp.Int or PickleOp.BinInt or PickleOp.BinInt1 or PickleOp.BinInt2 or PickleOp.Long or PickleOp.Long1 or PickleOp.Long4
                or PickleOp.Float or PickleOp.BinFloat
                or PickleOp.String or PickleOp.BinString or PickleOp.ShortBinString or PickleOp.Unicode or PickleOp.BinUnicode
                or PickleOp.ShortBinUnicode or PickleOp.BinUnicode8 or PickleOp.BinBytes or PickleOp.ShortBinBytes or PickleOp.BinBytes8
                or PickleOp.ByteArray8:
                Push(arg);
                break;
            case PickleOp.None:
                Push(null);
                break;
            case PickleOp.NewTrue:
                Push(true);
                break;
            case PickleOp.NewFalse:
                Push(false);
                break;
            case PickleOp.EmptyTuple:
                Push(Array.Empty<object?>());
                break;
            case PickleOp.Tuple:
                Push(PopToMark().ToArray());
                break;
            case PickleOp.Tuple1:
                Push(new[] { Pop() });
                break;
            case PickleOp.Tuple2:
            {
                var b = Pop();
                var a = Pop();
                Push(new[] { a, b });
                break;
            }
            case PickleOp.Tuple3:
            {
                var c = Pop();
                var b = Pop();
                var a = Pop();
                Push(new[] { a, b, c });
                break;
            }
            case PickleOp.EmptyList:
                Push(new List<object?>());
                break;
            case PickleOp.List:
                Push(PopToMark());
                break;
            case PickleOp.Append:
            {
                var value = Pop();
                Top<List<object?>>("APPEND").Add(value);
                break;
            }
            case PickleOp.Appends:
            {
                var items = PopToMark();
                Top<List<object?>>("APPENDS").AddRange(items);
                break;
            }
            case PickleOp.EmptyDict:
                Push(new PyDict());
                break;
            case PickleOp.Dict:
            {
                var items = PopToMark();
                var dict = new PyDict();
                SetItems(dict, items);
                Push(dict);
                break;
            }
            case PickleOp.SetItem:
            {
                var value = Pop();
                var key = Pop();
                SetItems(Top<PyDict>("SETITEM"), [key, value]);
                break;
            }
            case PickleOp.SetItems:
            {
                var items = PopToMark();
                SetItems(Top<PyDict>("SETITEMS"), items);
                break;
            }
            case PickleOp.EmptySet:
                Push(new HashSet<object?>());
                break;
            case PickleOp.AddItems:
            {
                var items = PopToMark();
                Top<HashSet<object?>>("ADDITEMS").UnionWith(items);
                break;
            }
            case PickleOp.FrozenSet:
                Push(new HashSet<object?>(PopToMark()));
                break;
            case PickleOp.Get or PickleOp.BinGet or PickleOp.LongBinGet:
                if (!_memo.TryGetValue((long)arg!, out var remembered))
                {
                    throw new InvalidDataException($"{source}: pickle reads memo slot {arg}, which was never stored");
                }
                Push(remembered);
                break;
            case PickleOp.Put or PickleOp.BinPut or PickleOp.LongBinPut:
                _memo[(long)arg!] = _stack[^1];
                break;
            case PickleOp.Memoize:
                _memo[_memo.Count] = _stack[^1];
                break;
            case PickleOp.Global:
                Push(Resolve((GlobalName)arg!));
                break;
            case PickleOp.StackGlobal:
            {
                var name = (string)Pop()!;
                var module = (string)Pop()!;
                Push(Resolve(new GlobalName(module, name)));
                break;
            }
            case PickleOp.Inst:
                Push(globals.Call(Resolve((GlobalName)arg!).Name, PopToMark().ToArray(), source));
                break;
            case PickleOp.Obj:
            {
                var items = PopToMark();
                Push(Call(items[0], items.Skip(1).ToArray()));
                break;
            }
            case PickleOp.Reduce or PickleOp.NewObj:
            {
                // NEWOBJ is cls.__new__(cls, *args); for the plain classes allowed here that is the same
                // object REDUCE's cls(*args) gives before BUILD fills it.
                var args = Pop() as object?[] ?? throw new InvalidDataException($"{source}: pickle call arguments are not a tuple");
                Push(Call(Pop(), args));
                break;
            }
            case PickleOp.NewObjEx:
            {
                var kwargs = Pop() as PyDict;
                var args = Pop() as object?[] ?? throw new InvalidDataException($"{source}: pickle NEWOBJ_EX arguments are not a tuple");
                if (kwargs is null || kwargs.Count > 0)
                {
                    throw new InvalidDataException($"{source}: pickle NEWOBJ_EX with keyword arguments is not supported");
                }
                Push(Call(Pop(), args));
                break;
            }
            case PickleOp.Build:
            {
                var state = Pop();
                Build(_stack[^1], state);
                break;
            }
            case PickleOp.BinPersId or PickleOp.PersId:
            {
                var pid = op == PickleOp.PersId ? arg : Pop();
                if (persistentLoad is null)
                {
                    throw new InvalidDataException($"{source}: pickle has a persistent id but no storage to resolve it");
                }
                Push(persistentLoad(pid));
                break;
            }
            case PickleOp.Ext1 or PickleOp.Ext2 or PickleOp.Ext4:
                throw new UnsafePickleException(source, $"EXT code {arg}", "the extension-registry opcode for");
            case PickleOp.NextBuffer or PickleOp.ReadOnlyBuffer:
                throw new InvalidDataException($"{source}: pickle uses out-of-band buffers, which a checkpoint file cannot supply");
            default:
                throw new InvalidDataException($"{source}: pickle opcode 0x{op:x2} is not supported");
        }
        return false;
    }

    private PyGlobalRef Resolve(GlobalName name) =>
        globals.IsAllowed(name) ? new PyGlobalRef(name) : throw new UnsafePickleException(source, name.ToString(), "reference to");

    private object? Call(object? callable, object?[] args) => callable is PyGlobalRef global
        ? globals.Call(global.Name, args, source)
        : throw new InvalidDataException($"{source}: pickle calls something that is not an allowed global ({Describe(callable)})");

    private void Build(object? target, object? state)
    {
        // Python's BUILD: a dict state updates the instance __dict__; a (dict, slots) pair does both.
        if (state is object?[] { Length: 2 } pair && (pair[0] is null or PyDict) && (pair[1] is null or PyDict))
        {
            Build(target, pair[0]);
            Build(target, pair[1]);
            return;
        }
        var attributes = target switch
        {
            PyDict dict => dict.Attributes,
            PyObject obj => obj.Attributes,
            _ => throw new InvalidDataException($"{source}: pickle sets state on a {Describe(target)}, which takes none"),
        };
        switch (state)
        {
            case null:
                break;
            case PyDict dict:
                foreach (var (key, value) in dict.Items)
                {
                    attributes[key as string ?? throw new InvalidDataException($"{source}: pickle attribute name is not a string")] = value;
                }
                break;
            default:
                if (target is PyObject obj)
                {
                    obj.State = state;
                    break;
                }
                throw new InvalidDataException($"{source}: pickle sets a {Describe(state)} state on a dict");
        }
    }

    private void SetItems(PyDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw new InvalidDataException($"{source}: pickle dict items are not key/value pairs");
        }
        for (var i = 0; i < items.Count; i += 2)
        {
            dict.Set(items[i] ?? throw new InvalidDataException($"{source}: pickle dict has a None key, which is not supported"), items[i + 1]);
        }
    }

    private T Top<T>(string opcode) where T : class =>
        _stack.Count > 0 && _stack[^1] is T t
            ? t
            : throw new InvalidDataException($"{source}: pickle {opcode} applies to a {Describe(_stack.Count > 0 ? _stack[^1] : null)}");

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() == _stack.Count))
        {
            throw new InvalidDataException($"{source}: pickle pops from an empty stack");
        }
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopToMark()
    {
        if (_marks.Count == 0)
        {
            throw new InvalidDataException($"{source}: pickle expects a MARK that is not there");
        }
        var mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PyGlobalRef g => g.Name.ToString(),
        PyObject o => o.Type + " object",
        BigInteger => "int",
        _ => value.GetType().Name,
    };
}
