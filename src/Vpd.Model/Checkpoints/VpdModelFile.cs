using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Checkpoints;

/// <summary>
/// The product's own model file: one safetensors file holding every weight the forward pass needs
/// (VPDRefer's keys as in the released checkpoints, the CLIP text encoder under
/// <c>cond_stage_model.transformer.</c> as in Stable Diffusion files), with the model config and the
/// tokenizer (vocab.json and merges.txt contents) in its metadata. GPU hosts load it in one read.
/// Before a tensor is allocated, a file is checked whole (<see cref="Validate"/>): the safetensors header by
/// the format's rules, the config by <see cref="ConfigBounds"/>, the tokenizer, and every tensor's name and
/// shape against the layout the config implies; any failure is an <see cref="InvalidDataException"/> that
/// names the file.
/// </summary>
public static class VpdModelFile
{
    public const string FormatName = "vpd-model";
    public const int FormatVersion = 1;

    /// <summary>Where the CLIP text encoder's keys live in the file.</summary>
    public const string TextPrefix = "cond_stage_model.transformer.";

    private const string FormatKey = "format";
    private const string VersionKey = "format_version";
    private const string ConfigKey = "config";
    private const string VocabKey = "tokenizer.vocab_json";
    private const string MergesKey = "tokenizer.merges_txt";
    private const string ProvenanceKey = "provenance";

    /// <summary>Writes <paramref name="model"/> (float32 on disk) with optional provenance notes (source files, training run).</summary>
    public static void Save(VpdModel model, string path, IReadOnlyDictionary<string, string>? provenance = null)
    {
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = FormatName,
            [VersionKey] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ConfigKey] = model.Config.ToJson().ToJsonString(),
            [VocabKey] = model.Tokenizer.ToVocabJson(),
            [MergesKey] = model.Tokenizer.ToMergesText(),
            [ProvenanceKey] = JsonSerializer.Serialize(provenance ?? new Dictionary<string, string>()),
        };
        var tensors = ModuleWeights.StateDictInReferenceOrder(model.Refer)
            .Concat(ModuleWeights.StateDictInReferenceOrder(model.TextEncoder)
                .Select(pair => new KeyValuePair<string, Tensor>(TextPrefix + pair.Key, pair.Value)))
            .Select(pair => new KeyValuePair<string, Tensor>(pair.Key, pair.Value.is_floating_point() ? pair.Value.to(ScalarType.Float32) : pair.Value));
        SafetensorsFile.Save(path, tensors, metadata);
    }

    /// <summary>True when <paramref name="path"/> is a safetensors file written by <see cref="Save"/>.</summary>
    public static bool IsModelFile(string path)
    {
        try
        {
            return SafetensorsFile.ReadMetadata(path).TryGetValue(FormatKey, out var format) && format == FormatName;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>The config stored in a model file, without reading its weights (header and config checked).</summary>
    public static VpdModelConfig ReadConfig(string path) => ReadConfig(ReadCheckedHeader(path).Metadata, path);

    /// <summary>
    /// Everything <see cref="Load"/> checks before it allocates: header, config, tokenizer, and each tensor's
    /// name, shape and kind against the config's layout (built on the meta device, no memory). Returns the config.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Naming the file and what is wrong with it.</exception>
    public static VpdModelConfig Validate(string path) => Inspect(path, useTextAdapter: null).Config;

    /// <summary>The provenance notes stored in a model file.</summary>
    public static IReadOnlyDictionary<string, string> ReadProvenance(string path)
    {
        var metadata = ReadCheckedHeader(path).Metadata;
        return metadata.TryGetValue(ProvenanceKey, out var json)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []
            : new Dictionary<string, string>();
    }

    /// <summary>
    /// Loads a model file for inference (<see cref="Load"/>) with every convolution proven right on this host
    /// by <see cref="ConvolutionCheck.Repair"/> (one wrong in libtorch's default layout runs channels-last; one
    /// wrong in every layout refuses the model).
    /// </summary>
    public static VpdModel LoadForInference(string path, Device? device, ScalarType dtype)
    {
        var model = Load(path, device, dtype);
        try
        {
            // The bfloat16 conversion (VpdModel.To -> ToBFloat16) has laid out and checked every convolution already.
            if (dtype != ScalarType.BFloat16)
            {
                ConvolutionCheck.Repair(model.Refer, $"model file {path}");
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads a model file strictly: every key the model needs present, no other key.</summary>
    /// <param name="useTextAdapter">Switches the text adapter on or off instead of the file's setting (its weights are there either way).</param>
    public static VpdModel Load(string path, Device? device = null, ScalarType dtype = ScalarType.Float32, bool? useTextAdapter = null)
    {
        var (config, tokenizer) = Inspect(path, useTextAdapter);
        var tensors = SafetensorsFile.Load(path);
        var model = new VpdModel(config, tokenizer);
        try
        {
            ModuleWeights.LoadStrict(model.Refer, tensors, ignore: key => key.StartsWith(TextPrefix, StringComparison.Ordinal), source: path);
            ModuleWeights.LoadStrict(model.TextEncoder, tensors, TextPrefix, source: path);
            model.Eval();
            if (device is not null || dtype != ScalarType.Float32)
            {
                model.To(device ?? torch.CPU, dtype);
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Lower-case hex SHA-256 of a file: a model's identity in storage (<c>models/{sha256}.safetensors</c>).</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static (VpdModelConfig Config, ClipTokenizer Tokenizer) Inspect(string path, bool? useTextAdapter)
    {
        var header = ReadCheckedHeader(path);
        var config = ReadConfig(header.Metadata, path);
        if (useTextAdapter is { } on)
        {
            config = config with { Refer = config.Refer with { UseTextAdapter = on } };
        }
        if (!header.Metadata.TryGetValue(VocabKey, out var vocab) || !header.Metadata.TryGetValue(MergesKey, out var merges))
        {
            throw new InvalidDataException($"{path}: model file has no tokenizer in its metadata");
        }
        var tokenizer = ClipTokenizer.FromStrings(vocab, merges, path);
        if (tokenizer.VocabSize != config.Text.VocabSize)
        {
            throw new InvalidDataException(
                $"{path}: the tokenizer has {tokenizer.VocabSize} ids but the config's text.vocab_size is {config.Text.VocabSize}");
        }
        ModelFileLayout.Check(header, config, TextPrefix, path);
        return (config, tokenizer);
    }

    private static SafetensorsFile.Header ReadCheckedHeader(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model file not found: {path}", path);
        }
        var header = SafetensorsFile.ReadHeader(path);
        var metadata = header.Metadata;
        if (!metadata.TryGetValue(FormatKey, out var format) || format != FormatName)
        {
            throw new InvalidDataException(
                $"{path}: not a VPD model file (no '{FormatKey}: {FormatName}' in its metadata); convert checkpoints with `vpd convert`");
        }
        if (!metadata.TryGetValue(VersionKey, out var version) || version != FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidDataException($"{path}: model file format version '{version}' is not supported (expected {FormatVersion})");
        }
        return header;
    }

    private static VpdModelConfig ReadConfig(IReadOnlyDictionary<string, string> metadata, string path) =>
        metadata.TryGetValue(ConfigKey, out var json)
            ? VpdModelConfig.FromJson(json, path)
            : throw new InvalidDataException($"{path}: model file has no '{ConfigKey}' in its metadata");
}
