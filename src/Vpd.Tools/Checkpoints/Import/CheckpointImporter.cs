using System.Globalization;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using static TorchSharp.torch;
using Vpd.Model;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints;

namespace Vpd.Tools.Checkpoints.Import;

/// <summary>
/// Builds a <see cref="VpdModel"/> from the checkpoints people have: a Stable Diffusion v1.x single file
/// (CLIP text encoder, and UNet + VAE encoder when no VPD checkpoint is given), optionally the authors'
/// VPD <c>.pth</c> (the whole VPDRefer), and the CLIP tokenizer files; or the product's own model file.
/// Every key is accounted for: used, on the explicit ignore list of <see cref="StableDiffusionKeys"/>, or an error.
/// </summary>
public static class CheckpointImporter
{
    /// <summary>Reads <paramref name="inputs"/> (any order) and returns the model in evaluation mode.</summary>
    /// <param name="tokenizerDir">Folder with <c>vocab.json</c> and <c>merges.txt</c>; required unless the input is a product model file (which carries its tokenizer).</param>
    /// <exception cref="FileNotFoundException">An input or tokenizer file is missing.</exception>
    /// <exception cref="InvalidDataException">An input has an unknown layout or unknown keys, or inputs contradict each other.</exception>
    /// <exception cref="StateDictMismatchException">A checkpoint's tensors do not fit the configured model.</exception>
    public static ImportedModel Import(IReadOnlyList<string> inputs, string? tokenizerDir, CheckpointImportOptions? options = null)
    {
        options ??= new CheckpointImportOptions();
        if (inputs.Count == 0)
        {
            throw new ArgumentException("no checkpoint given: pass a Stable Diffusion file (and a VPD .pth), or a VPD model file", nameof(inputs));
        }
        var sources = inputs.Select(path => new ImportSource(path, CheckpointProbe.Detect(path))).ToList();
        if (sources.Any(s => s.Kind == CheckpointKind.ProductModel))
        {
            if (tokenizerDir is not null)
            {
                throw new ArgumentException(
                    $"{sources.First(s => s.Kind == CheckpointKind.ProductModel).Path} is a VPD model file, which carries its own tokenizer; do not pass a tokenizer folder with it",
                    nameof(tokenizerDir));
            }
            return ImportProductModel(sources, options);
        }
        var sd = Single(sources, CheckpointKind.StableDiffusion, "Stable Diffusion checkpoint");
        var vpd = Single(sources, CheckpointKind.VpdRefer, "VPD checkpoint");
        if (sd is null)
        {
            throw new InvalidDataException(
                $"{vpd!.Path}: a VPD checkpoint has no CLIP text encoder; also give the Stable Diffusion v1.5 file it was trained from");
        }
        if (vpd is null && !options.AllowFreshHead)
        {
            throw new InvalidDataException(
                $"{sd.Path}: a Stable Diffusion file has no VPD gamma, text_adapter or classifier (head); also give a VPD checkpoint (.pth), or allow a fresh head to start training");
        }
        if (tokenizerDir is null)
        {
            throw new ArgumentException("a tokenizer folder (vocab.json, merges.txt) is required to build a model from Stable Diffusion weights", nameof(tokenizerDir));
        }
        var tokenizer = LoadTokenizer(tokenizerDir);

        var warnings = new List<string>();
        Dictionary<string, Tensor>? vpdTensors = null;
        try
        {
            int? argsTokenLength = null;
            if (vpd is not null)
            {
                var checkpoint = TorchCheckpointReader.Read(vpd.Path, CheckpointProbe.VpdDictKey);
                vpdTensors = new Dictionary<string, Tensor>(checkpoint.Tensors, StringComparer.Ordinal);
                argsTokenLength = IntArg(checkpoint.Args, "token_length", vpd.Path);
                var config0 = options.BaseConfig ?? VpdModelConfig.Sd15;
                if (IntArg(checkpoint.Args, "img_size", vpd.Path) is { } imgSize && imgSize != config0.Refer.ImageSize)
                {
                    warnings.Add($"{vpd.Path}: trained with img_size {imgSize}; the model runs at image_size {config0.Refer.ImageSize}");
                }
            }
            var config = BuildConfig(options, argsTokenLength, vpd?.Path);
            var model = new VpdModel(config, tokenizer);
            try
            {
                LoadStableDiffusion(model, sd.Path, textOnly: vpd is not null, options.AllowFreshHead);
                if (vpdTensors is not null)
                {
                    StateDictLoader.LoadStrict(model.Refer, vpdTensors, vpd!.Path);
                }
                model.Eval();
                return new ImportedModel(model, sources, warnings);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        finally
        {
            DisposeAll(vpdTensors);
        }
    }

    /// <summary>Reads <c>vocab.json</c> and <c>merges.txt</c> from <paramref name="dir"/>, naming whichever is missing.</summary>
    public static ClipTokenizer LoadTokenizer(string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"tokenizer folder not found: {dir}");
        }
        var vocab = Path.Combine(dir, "vocab.json");
        var merges = Path.Combine(dir, "merges.txt");
        foreach (var file in new[] { vocab, merges })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"tokenizer file not found: {file}", file);
            }
        }
        return ClipTokenizer.FromFiles(vocab, merges);
    }

    private static ImportedModel ImportProductModel(List<ImportSource> sources, CheckpointImportOptions options)
    {
        if (sources.Count != 1)
        {
            throw new InvalidDataException(
                $"{sources.First(s => s.Kind == CheckpointKind.ProductModel).Path}: a VPD model file is complete on its own; give it without other checkpoints");
        }
        var path = sources[0].Path;
        var stored = VpdModelFile.ReadConfig(path);
        if (options.TokenLength is { } tokens && tokens != stored.Refer.TokenLength)
        {
            throw new InvalidDataException($"{path}: the model file has token_length {stored.Refer.TokenLength}, not the requested {tokens}");
        }
        return new ImportedModel(VpdModelFile.Load(path, useTextAdapter: options.UseTextAdapter), sources, []);
    }

    private static VpdModelConfig BuildConfig(CheckpointImportOptions options, int? argsTokenLength, string? vpdPath)
    {
        var config = options.BaseConfig ?? VpdModelConfig.Sd15;
        if (options.TokenLength is { } asked && argsTokenLength is { } trained && asked != trained)
        {
            throw new InvalidDataException(
                $"{vpdPath}: the checkpoint was trained with token_length {trained} (its args), but token_length {asked} was requested; the head's shapes depend on it");
        }
        var tokenLength = options.TokenLength ?? argsTokenLength ?? config.Refer.TokenLength;
        config = config with { Refer = config.Refer with { TokenLength = tokenLength, UseTextAdapter = options.UseTextAdapter ?? config.Refer.UseTextAdapter } };
        config.Validate(vpdPath ?? "model config");
        return config;
    }

    private static void LoadStableDiffusion(VpdModel model, string path, bool textOnly, bool allowFreshHead)
    {
        var isZip = CheckpointProbe.IsZip(path);
        var dictKey = isZip ? CheckpointProbe.StableDiffusionDictKeyOf(path) : null;
        var keys = isZip ? CheckpointProbe.StateDictKeys(path, dictKey) : SafetensorsFile.ReadHeader(path).Entries.Select(e => e.Name).ToList();
        var unknown = keys.Where(k => !StableDiffusionKeys.IsUsed(k) && !StableDiffusionKeys.IsIgnored(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException(
                $"{path}: {unknown.Count} key(s) that are not part of a Stable Diffusion v1 file: {string.Join(", ", unknown.Take(50))}{(unknown.Count > 50 ? ", ..." : "")}");
        }
        bool Include(string key) => StableDiffusionKeys.IsUsed(key) && (!textOnly || StableDiffusionKeys.IsText(key));
        var tensors = isZip
            ? new Dictionary<string, Tensor>(TorchCheckpointReader.Read(path, dictKey, Include).Tensors, StringComparer.Ordinal)
            : SafetensorsFile.Load(path, Include);
        try
        {
            StateDictLoader.LoadStrict(model.TextEncoder, tensors, path, prefix: StableDiffusionKeys.TextPrefix);
            if (!textOnly)
            {
                var refer = StateDictKeyMap.StableDiffusionToVpd.Apply(
                    tensors.Where(p => !StableDiffusionKeys.IsText(p.Key)).ToDictionary(StringComparer.Ordinal), path);
                StateDictLoader.LoadStrict(model.Refer, refer, path, allowMissing: allowFreshHead ? IsVpdOnlyKey : null);
            }
        }
        finally
        {
            DisposeAll(tensors);
        }
    }

    /// <summary>VPDRefer keys a Stable Diffusion file cannot supply.</summary>
    private static bool IsVpdOnlyKey(string key) =>
        key == "gamma" || key.StartsWith("text_adapter.", StringComparison.Ordinal) || key.StartsWith("classifier.", StringComparison.Ordinal);

    private static ImportSource? Single(List<ImportSource> sources, CheckpointKind kind, string what)
    {
        var matching = sources.Where(s => s.Kind == kind).ToList();
        return matching.Count <= 1
            ? matching.FirstOrDefault()
            : throw new InvalidDataException($"more than one {what} given: {string.Join(", ", matching.Select(s => s.Path))}");
    }

    private static int? IntArg(IReadOnlyDictionary<string, object?>? args, string name, string path)
    {
        if (args is null || !args.TryGetValue(name, out var value) || value is null)
        {
            return null;
        }
        return value switch
        {
            long l when l is > 0 and <= int.MaxValue => (int)l,
            int i when i > 0 => i,
            _ => throw new InvalidDataException($"{path}: args.{name} is {Convert.ToString(value, CultureInfo.InvariantCulture)}, not a positive integer"),
        };
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        foreach (var tensor in tensors?.Values ?? Enumerable.Empty<Tensor>())
        {
            tensor.Dispose();
        }
    }
}
