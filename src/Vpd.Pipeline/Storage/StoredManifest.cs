using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Storage;

/// <summary>A run's manifest and the SHA-256 of its stored bytes, which metrics.json cites.</summary>
public sealed record StoredManifest(RunManifest Manifest, string Sha256);
