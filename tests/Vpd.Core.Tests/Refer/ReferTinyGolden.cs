using System.Text.Json;
using Vpd.TestSupport;

namespace Vpd.Core.Tests.Refer;

/// <summary>Access to ../golden/refer_tiny and its expected.json, read fresh for each test.</summary>
internal static class ReferTinyGolden
{
    public static string Root => RepoPaths.Golden("refer_tiny");

    public static JsonDocument Expected() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json")));

    public static byte[] Digits(JsonElement element, string name) =>
        [.. element.GetProperty(name).GetString()!.Select(ch => (byte)(ch - '0'))];

    public static long Id(JsonElement element, string name) => element.GetProperty(name).GetInt64();

    /// <summary>A writable copy of refer_tiny for tests that damage it.</summary>
    public static TempDir CopyToTemp()
    {
        var temp = new TempDir("vpd-refer");
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(temp.Path, Path.GetRelativePath(Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
        return temp;
    }
}
