namespace Vpd.Tools.Checkpoints.Pickle;

/// <summary>
/// A pickle refers to a global (class or function) outside the allow-list, or uses an opcode that could
/// reach one (the extension registry); nothing of the pickle has been executed when this is thrown.
/// </summary>
public sealed class UnsafePickleException(string source, string global, string detail)
    : Exception($"{source}: refusing to unpickle: {detail} '{global}' is not one of the globals a checkpoint may use")
{
    /// <summary>The file (or archive entry) holding the pickle.</summary>
    public string PickleSource { get; } = source;

    /// <summary>The refused global as <c>module.name</c> (or the opcode name for opcodes refused outright).</summary>
    public string Global { get; } = global;
}
