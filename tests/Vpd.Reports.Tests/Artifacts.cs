using Vpd.TestSupport;

namespace Vpd.Reports.Tests;

/// <summary>
/// Where tests keep what a person should be able to look at afterwards (figures, the report, Chromium's
/// screenshot): <c>tests/Vpd.Reports.Tests/TestResults/artifacts/</c> (git-ignored), or
/// <c>VPD_TEST_ARTIFACTS</c> when set.
/// </summary>
internal static class Artifacts
{
    public static string Dir
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("VPD_TEST_ARTIFACTS");
            var dir = string.IsNullOrWhiteSpace(fromEnv)
                ? Path.Combine(RepoPaths.Root, "tests", "Vpd.Reports.Tests", "TestResults", "artifacts")
                : fromEnv;
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
