using System.Text.Json;
using Vpd.TestSupport;

namespace VpdFunctions.Tests.Infra;

/// <summary>
/// infra/ compiled once per test class: the ARM template of main.bicep (`bicep build`) and the
/// deployment snapshot of main.bicepparam (`bicep snapshot`: every resource the deployment would
/// create, with names, ids, loops and conditions evaluated for a fixed subscription and group).
/// Works on a copy of infra/ in a temporary folder because `bicep snapshot` writes beside its input.
/// </summary>
public sealed class CompiledInfra : IDisposable
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string TenantId = "00000000-0000-0000-0000-0000000000bb";
    public const string ResourceGroup = "rg-vpd-test";
    public const string Location = "westus3";

    private readonly TempDir _work = new("vpd-infra");
    private readonly List<JsonDocument> _documents = [];
    private int _extraSnapshots;

    public CompiledInfra()
    {
        CopyDirectory(Path.Combine(RepoPaths.Root, "infra"), _work.Path);
        Build = BicepCli.Run(_work.Path, "build", "main.bicep", "--outfile", _work.File("main.json"));
        if (Build.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build infra/main.bicep failed: {Build.Output}");
        }
        Template = Parse(_work.File("main.json")).RootElement;
        Snapshot = RunSnapshot("main.bicepparam");
    }

    /// <summary>What `bicep build main.bicep` printed and returned.</summary>
    public BicepResult Build { get; }

    /// <summary>The compiled ARM template of main.bicep (modules are nested deployments).</summary>
    public JsonElement Template { get; }

    /// <summary>The snapshot of main.bicepparam, the parameter file docs/deploy.md deploys with.</summary>
    public DeploymentSnapshot Snapshot { get; }

    /// <summary>Snapshots main.bicep with the given parameter assignments (lines after `using`).</summary>
    public DeploymentSnapshot SnapshotWith(params string[] parameterLines)
    {
        var name = $"variant{Interlocked.Increment(ref _extraSnapshots)}.bicepparam";
        File.WriteAllLines(_work.File(name), ["using 'main.bicep'", .. parameterLines]);
        return RunSnapshot(name);
    }

    private DeploymentSnapshot RunSnapshot(string parameterFile)
    {
        var result = BicepCli.Run(_work.Path, "snapshot", parameterFile,
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId,
            "--resource-group", ResourceGroup, "--location", Location);
        if (result.ExitCode != 0 || result.Output.Length > 0)
        {
            throw new InvalidOperationException($"bicep snapshot {parameterFile} failed or warned: {result.Output}");
        }
        var snapshotPath = _work.File(Path.ChangeExtension(parameterFile, ".snapshot.json"));
        var root = Parse(snapshotPath).RootElement;
        if (root.TryGetProperty("diagnostics", out var diagnostics) && diagnostics.GetArrayLength() > 0)
        {
            throw new InvalidOperationException($"bicep snapshot {parameterFile} reported: {diagnostics.GetRawText()}");
        }
        return new DeploymentSnapshot(root, parameterFile);
    }

    private JsonDocument Parse(string path)
    {
        var document = JsonDocument.Parse(File.ReadAllText(path));
        _documents.Add(document);
        return document;
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
    }

    public void Dispose()
    {
        foreach (var document in _documents)
        {
            document.Dispose();
        }
        _work.Dispose();
    }
}
