using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Xunit;

namespace Vpd.TestSupport;

/// <summary>
/// A report page opened in headless Chromium as a person opens the file: it must log no console message (a blocked
/// load or a policy violation would), and every image must decode and be laid out. A copy of the page carries a
/// small probe script, allowed by hash in the page's own policy and nothing else loosened, that writes what the
/// browser saw into the DOM Chromium dumps.
/// </summary>
public static class ReportInBrowser
{
    private const string Probe = """
        (() => {
          const problems = [];
          document.addEventListener('securitypolicyviolation', e => problems.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI));
          window.addEventListener('error', e => problems.push('error: ' + (e.message || (e.target && e.target.tagName))), true);
          window.addEventListener('load', () => {
            const images = [...document.images].map(i => ({ alt: i.alt, complete: i.complete, width: i.naturalWidth, shown: i.getBoundingClientRect().width }));
            const pre = document.createElement('pre');
            pre.id = 'vpd-probe';
            pre.textContent = JSON.stringify({ images, problems, height: document.documentElement.scrollHeight });
            document.body.appendChild(pre);
          });
        })();
        """;

    /// <summary>What the browser built of the page.</summary>
    /// <param name="Rendered">The DOM after the load event.</param>
    /// <param name="Height">The page's height in CSS pixels at <paramref name="Width"/>.</param>
    public sealed record View(IDocument Rendered, int Images, int Height, int Width);

    /// <summary>Opens <paramref name="htmlPath"/> (a copy with the probe beside it) and asserts it rendered cleanly.</summary>
    public static View Open(string htmlPath, int width = 1400)
    {
        var html = File.ReadAllText(htmlPath);
        var probePath = Path.ChangeExtension(htmlPath, ".probe.html");
        File.WriteAllText(probePath, WithProbe(html));
        var dump = HeadlessChromium.DumpDom(probePath, width);
        Assert.True(dump.ConsoleMessages.Count == 0, "console: " + string.Join("\n", dump.ConsoleMessages));
        var rendered = new HtmlParser().ParseDocument(dump.Stdout);
        var probe = JsonDocument.Parse(rendered.GetElementById("vpd-probe")?.TextContent
            ?? throw new Xunit.Sdk.XunitException("the probe did not run: " + dump.Stdout[..Math.Min(400, dump.Stdout.Length)])).RootElement;
        Assert.Empty(probe.GetProperty("problems").EnumerateArray());
        var images = probe.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(ReportDom.Parse(html).QuerySelectorAll("img").Length, images.Count);
        Assert.All(images, image =>
        {
            Assert.True(image.GetProperty("complete").GetBoolean() && image.GetProperty("width").GetInt32() > 0, $"image not decoded: {image}");
            Assert.True(image.GetProperty("shown").GetDouble() > 0, $"image not laid out: {image}");
        });
        return new View(rendered, images.Count, probe.GetProperty("height").GetInt32(), width);
    }

    /// <summary>A screenshot of the whole page (up to 30,000 px tall) at the view's width; asserts no console message.</summary>
    public static string Screenshot(string htmlPath, View view, string pngPath)
    {
        File.Delete(pngPath);
        var shot = HeadlessChromium.Screenshot(htmlPath, pngPath, view.Width, Math.Min(view.Height + 40, 30000));
        Assert.True(shot.ConsoleMessages.Count == 0, "console: " + string.Join("\n", shot.ConsoleMessages));
        Assert.True(File.Exists(pngPath), $"no screenshot at {pngPath}");
        return pngPath;
    }

    private static string WithProbe(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var policy = document.QuerySelector("meta[http-equiv=Content-Security-Policy]")
            ?? throw new Xunit.Sdk.XunitException("the report has no Content-Security-Policy");
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Probe)));
        policy.SetAttribute("content", policy.GetAttribute("content") + $"; script-src 'sha256-{hash}'");
        var script = document.CreateElement("script");
        script.TextContent = Probe;
        document.Body!.AppendChild(script);
        return "<!DOCTYPE html>\n" + document.DocumentElement.OuterHtml;
    }
}
