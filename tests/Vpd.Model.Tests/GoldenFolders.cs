using Vpd.Model.Checkpoints;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests;

/// <summary>
/// The golden folder as shipped (<c>copies</c> 1), or a copy whose reference cases are stacked <c>copies</c>
/// times along the batch axis: every <c>input.*</c>, <c>output.*</c> and <c>intermediate.*</c> tensor of each
/// safetensors case is repeated along its first axis, and so is every per-sample constant (a one-axis
/// <c>constant.*</c> as long as the case's batch, e.g. <c>constant.noise_timestep</c> [1] -> [2]); other
/// constants, the weights, metadata and the remaining files are copied unchanged. A forward that is right for
/// one sample must give the stacked references for the stacked inputs.
/// </summary>
internal static class GoldenFolders
{
    private static readonly Lazy<string> StackedTwice = new(() => Stack(2), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder for <paramref name="copies"/> (1 or 2); skips the test when the golden folder is absent.</summary>
    public static string Of(int copies) => copies switch
    {
        1 => RepoPaths.GoldenDir(),
        2 => StackedTwiceAfterSkipCheck(),
        _ => throw new ArgumentOutOfRangeException(nameof(copies), copies, "1 or 2"),
    };

    /// <summary>A file of the folder for <paramref name="copies"/>.</summary>
    public static string File(int copies, string name) => Path.Combine(Of(copies), name);

    private static string StackedTwiceAfterSkipCheck()
    {
        RepoPaths.GoldenDir();
        return StackedTwice.Value;
    }

    private static string Stack(int copies)
    {
        var source = RepoPaths.GoldenDir();
        var target = Path.Combine(Path.GetTempPath(), $"vpd-golden-x{copies}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (file.EndsWith(".safetensors", StringComparison.Ordinal))
            {
                StackFile(file, destination, copies);
            }
            else
            {
                System.IO.File.Copy(file, destination);
            }
        }
        return target;
    }

    private static void StackFile(string source, string destination, int copies)
    {
        var header = SafetensorsFile.ReadHeader(source);
        var tensors = SafetensorsFile.Load(source);
        try
        {
            var batch = header.Entries.Where(e => e.Name.StartsWith("input.", StringComparison.Ordinal)).Select(e => e.Shape[0]).FirstOrDefault();
            var stacked = header.Entries.Select(e =>
            {
                var tensor = tensors[e.Name];
                var perSample = IsBatchTensor(e.Name) || (e.Name.StartsWith("constant.", StringComparison.Ordinal) && e.Shape.Length == 1 && e.Shape[0] == batch);
                return new KeyValuePair<string, Tensor>(e.Name, perSample ? cat(Enumerable.Repeat(tensor, copies).ToList(), 0) : tensor);
            }).ToList();
            SafetensorsFile.Save(destination, stacked, header.Metadata);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static bool IsBatchTensor(string name) =>
        name.StartsWith("input.", StringComparison.Ordinal) || name.StartsWith("output.", StringComparison.Ordinal) || name.StartsWith("intermediate.", StringComparison.Ordinal);

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort at process exit.
        }
    }
}
