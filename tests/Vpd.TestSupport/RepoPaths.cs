using Xunit;
namespace Vpd.TestSupport;

/// <summary>Locates the repository root and the golden reference folder for tests.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding VpdFunctions.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The golden folder: <c>VPD_GOLDEN_DIR</c> if set, else <c>../shared/golden</c> beside the repository.
    /// Null when neither exists (a user's clone); golden tests then skip with that reason.
    /// </summary>
    public static string? GoldenDirOrNull
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("VPD_GOLDEN_DIR");
            if (!string.IsNullOrWhiteSpace(fromEnv))
            {
                return Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
            }
            var beside = Path.GetFullPath(Path.Combine(Root, "..", "shared", "golden"));
            return Directory.Exists(beside) ? beside : null;
        }
    }

    /// <summary>The golden folder, or a skipped test saying why it is not there.</summary>
    public static string GoldenDir()
    {
        var dir = GoldenDirOrNull;
        Skip.If(dir is null,
            "golden reference folder not found: set VPD_GOLDEN_DIR or place it at ../shared/golden beside the repository");
        return dir!;
    }

    /// <summary>A path inside the golden folder (skips the test when the folder is absent).</summary>
    public static string Golden(params string[] parts) => Path.Combine([GoldenDir(), .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VpdFunctions.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"VpdFunctions.sln not found above {AppContext.BaseDirectory}: tests must run inside the repository");
    }
}
