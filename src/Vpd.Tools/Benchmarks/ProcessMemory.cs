namespace Vpd.Tools.Benchmarks;

/// <summary>The process's memory high-water mark, as Linux reports it.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size in bytes (<c>VmHWM</c> of /proc/self/status), or null where that file does not exist.</summary>
    public static long? PeakResidentBytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return null;
        }
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        return null;
    }
}
