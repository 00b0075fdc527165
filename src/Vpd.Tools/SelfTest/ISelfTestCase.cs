namespace Vpd.Tools.SelfTest;

/// <summary>A reference case of the golden folder format: which files it reads and how it checks them.</summary>
public interface ISelfTestCase
{
    /// <summary>Short name printed before each check (e.g. <c>clip</c>).</summary>
    string Name { get; }

    /// <summary>Files (relative to the golden folder) the case needs; the case is skipped when one is absent.</summary>
    IReadOnlyList<string> Files { get; }

    /// <summary>Runs the case against the folder; every compared value yields one check.</summary>
    IReadOnlyList<TensorCheck> Run(string goldenDir);
}
