using System.Globalization;
using System.Text.Json.Nodes;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// The queue trigger settings the host reads from the app's <c>host.json</c> (<c>extensions.queues</c>),
/// with the extension's defaults for what the file leaves out.
/// </summary>
public sealed record HostQueueSettings(int MaxDequeueCount, TimeSpan VisibilityTimeout, bool Base64Encoding)
{
    public static HostQueueSettings Read(string path)
    {
        var queues = JsonNode.Parse(File.ReadAllText(path))?["extensions"]?["queues"] as JsonObject;
        var maxDequeueCount = (int?)queues?["maxDequeueCount"] ?? 5;
        var visibility = (string?)queues?["visibilityTimeout"] is { } text
            ? TimeSpan.Parse(text, CultureInfo.InvariantCulture)
            : TimeSpan.Zero;
        var encoding = (string?)queues?["messageEncoding"] ?? "base64";
        return new HostQueueSettings(maxDequeueCount, visibility, string.Equals(encoding, "base64", StringComparison.OrdinalIgnoreCase));
    }
}
