namespace Vpd.Core.Pickle;

/// <summary>One decoded pickle instruction: opcode, its inline argument (if any) and its byte position.</summary>
/// <remarks>
/// Argument types: <c>long</c> for integer arguments and memo indices, <c>double</c>, <c>string</c>
/// (text), <c>byte[]</c> (bytes), <see cref="System.Numerics.BigInteger"/> for integers beyond 64 bits,
/// <c>bool</c> for protocol-0 booleans, and <see cref="GlobalName"/> for GLOBAL/INST.
/// </remarks>
public readonly record struct PickleInstruction(byte Op, object? Arg, long Position);

/// <summary>A <c>module.name</c> reference of a GLOBAL, INST or STACK_GLOBAL.</summary>
public readonly record struct GlobalName(string Module, string Name)
{
    /// <inheritdoc />
    public override string ToString() => $"{Module}.{Name}";
}
