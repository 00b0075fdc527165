namespace Vpd.Core.Contracts;

/// <summary>
/// The model a run uses: its kind and config (architecture, token length, image size, ...) as the
/// model file's metadata states it, and the file itself by content hash.
/// </summary>
/// <param name="Kind">Model kind, e.g. "vpd-sd15" or "vpd-tiny"; test doubles use their own.</param>
/// <param name="ConfigJson">The model config JSON as stored in the model file's metadata.</param>
/// <param name="BlobName">Blob name inside the models container: <c>{Sha256}.safetensors</c>.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the model file.</param>
public sealed record ModelSpec(string Kind, string ConfigJson, string BlobName, string Sha256);
