using Vpd.Model;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints;
namespace Vpd.Tools.Checkpoints.Import;

/// <summary>Recognises a checkpoint's layout from its contents (not its extension), reading only headers and pickles.</summary>
public static class CheckpointProbe
{
    /// <summary>The top-level entry of a Stable Diffusion torch checkpoint.</summary>
    public const string StableDiffusionDictKey = "state_dict";

    /// <summary>The top-level entry of a VPD training checkpoint.</summary>
    public const string VpdDictKey = "model";

    /// <summary>What <paramref name="path"/> holds; fails naming the file when it is none of the supported layouts.</summary>
    public static CheckpointKind Detect(string path)
    {
        RequireFile(path);
        if (IsZip(path))
        {
            var top = TopLevelKeys(path);
            if (top.Contains(VpdDictKey))
            {
                return CheckpointKind.VpdRefer;
            }
            if (top.Contains(StableDiffusionDictKey) || StableDiffusionKeys.LooksLikeStableDiffusion(top))
            {
                return CheckpointKind.StableDiffusion;
            }
            throw new InvalidDataException(
                $"{path}: torch checkpoint has neither a '{VpdDictKey}' (VPD) nor a '{StableDiffusionDictKey}' (Stable Diffusion) entry; top-level keys: {string.Join(", ", top.Take(20))}");
        }
        if (VpdModelFile.IsModelFile(path))
        {
            return CheckpointKind.ProductModel;
        }
        var names = SafetensorsFile.ReadHeader(path).Entries.Select(e => e.Name).ToList();
        if (StableDiffusionKeys.LooksLikeStableDiffusion(names))
        {
            return CheckpointKind.StableDiffusion;
        }
        throw new InvalidDataException(
            $"{path}: safetensors file is neither a VPD model file nor a Stable Diffusion checkpoint (no model.diffusion_model.* keys)");
    }

    /// <summary>
    /// The state-dict keys of a torch zip checkpoint under <paramref name="dictKey"/> (null: the top level),
    /// without reading any tensor.
    /// </summary>
    public static IReadOnlyList<string> StateDictKeys(string path, string? dictKey)
    {
        var names = new List<string>();
        TorchCheckpointReader.Read(path, dictKey, name =>
        {
            names.Add(name);
            return false;
        });
        return names;
    }

    /// <summary>The dict key under which a Stable Diffusion torch zip keeps its weights (null when they are at the top level).</summary>
    public static string? StableDiffusionDictKeyOf(string path) =>
        TopLevelKeys(path).Contains(StableDiffusionDictKey) ? StableDiffusionDictKey : null;

    /// <summary>True when the file starts with a zip local-file header (torch.save's format since 1.6).</summary>
    public static bool IsZip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        return stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("PK\u0003\u0004"u8);
    }

    /// <summary>Throws <see cref="FileNotFoundException"/> naming <paramref name="path"/> when it does not exist.</summary>
    public static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"checkpoint not found: {path}", path);
        }
    }

    private static IReadOnlyList<string> TopLevelKeys(string path) =>
        TorchCheckpointReader.Read(path, null, _ => false).TopLevelKeys;
}
