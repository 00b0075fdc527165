namespace Vpd.Pipeline.Storage;

/// <summary>How patiently the storage clients retry a failing request.</summary>
public enum StorageRetry
{
    /// <summary>The SDKs' defaults (several retries over tens of seconds): right for workers, whose queue retries the rest.</summary>
    Service,

    /// <summary>Two quick retries and a short timeout: a CLI verb facing unreachable storage answers within seconds.</summary>
    Interactive,
}
