using System.Diagnostics;
using System.Text;
using Xunit;

namespace Vpd.TestSupport;

/// <summary>
/// Debian's Chromium run headless on a local file, as PLATFORM.md describes: no sandbox (root), no GPU, and
/// every background connection off (the machine has no network), a fresh profile each run. Console messages
/// come back from its stderr log (<c>:CONSOLE</c> lines). No browser is downloaded: a missing Chromium fails the
/// test with the command that installs it.
/// </summary>
public static class HeadlessChromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public sealed record Result(string Stdout, string Stderr, IReadOnlyList<string> ConsoleMessages);

    /// <summary>The browser's path: <c>VPD_CHROMIUM</c>, else <c>chromium</c> on PATH; fails clearly when there is none.</summary>
    public static string Executable()
    {
        var fromEnv = Environment.GetEnvironmentVariable("VPD_CHROMIUM");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            Assert.True(File.Exists(fromEnv), $"VPD_CHROMIUM={fromEnv} does not exist");
            return fromEnv;
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "chromium")).FirstOrDefault(File.Exists);
        return onPath ?? throw new Xunit.Sdk.XunitException(
            "headless Chromium is required for this test and was not found: install Debian's package with " +
            "'apt-get install -y chromium' (.ci/run does), or set VPD_CHROMIUM");
    }

    /// <summary>The DOM after the page's load event (<c>--dump-dom</c>), laid out in a window <paramref name="width"/> wide.</summary>
    public static Result DumpDom(string htmlPath, int width) => Run(["--dump-dom", $"--window-size={width},1000", new Uri(htmlPath).AbsoluteUri]);

    /// <summary>A PNG screenshot of the top <paramref name="height"/> pixels at <paramref name="width"/> wide.</summary>
    public static Result Screenshot(string htmlPath, string pngPath, int width, int height) =>
        Run([$"--screenshot={pngPath}", $"--window-size={width},{height}", "--hide-scrollbars", new Uri(htmlPath).AbsoluteUri]);

    private static Result Run(IReadOnlyList<string> arguments)
    {
        var profile = Path.Combine(Path.GetTempPath(), $"vpd-chromium-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                 }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish within {Timeout.TotalSeconds} s: {string.Join(' ', arguments)}");
            }
            process.WaitForExit();
            var errors = stderr.ToString();
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {errors}");
            var console = errors.Split('\n').Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
            return new Result(stdout.ToString(), errors, console);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // A profile file still held by an exiting helper process must not fail the test.
            }
        }
    }
}
