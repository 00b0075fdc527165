using System.CommandLine;
using Vpd.Cli.Commands;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Import;
using Vpd.Model.Config;

namespace Vpd.Cli.Common;

/// <summary>
/// The options that say how released checkpoints become a model (<c>--tokenizer</c>, <c>--token-length</c>,
/// <c>--config</c>), shared by <c>vpd convert</c> and <c>vpd train --init SD [VPD.pth]</c>.
/// </summary>
public sealed class ImportOptions
{
    public Option<string?> Tokenizer { get; } = new("--tokenizer") { Description = "Folder with the CLIP tokenizer's vocab.json and merges.txt" };

    public Option<int?> TokenLength { get; } = new("--token-length")
    {
        Description = "Tokens per sentence (40: RefCOCO/RefCOCO+, 77: RefCOCOg); default: the VPD checkpoint's args, else 40",
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Model config JSON (the 'config' layout of a model file) instead of the Stable Diffusion v1.5 preset",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Tokenizer);
        command.Options.Add(TokenLength);
        command.Options.Add(Config);
    }

    public CheckpointImportOptions Read(ParseResult parse, bool allowFreshHead, bool? useTextAdapter = null) =>
        new(ReadConfig(parse.GetValue(Config)), parse.GetValue(TokenLength), allowFreshHead, useTextAdapter);

    /// <summary>Imports <paramref name="inputs"/> and writes them as one product model file, never leaving a truncated one.</summary>
    public static ImportedModel ImportAndSave(
        IReadOnlyList<string> inputs, string? tokenizerDir, CheckpointImportOptions options, string outputPath, TextWriter warnings)
    {
        var imported = CheckpointImporter.Import(inputs, tokenizerDir, options);
        try
        {
            foreach (var warning in imported.Warnings)
            {
                warnings.WriteLine($"warning: {warning}");
            }
            var provenance = ConvertProvenance.Describe(
                imported.Sources, imported.Sources.Any(s => s.Kind == CheckpointKind.ProductModel) ? null : tokenizerDir);
            var partial = outputPath + ".partial";
            try
            {
                VpdModelFile.Save(imported.Model, partial, provenance);
                File.Move(partial, outputPath, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
            return imported;
        }
        catch
        {
            imported.Model.Dispose();
            throw;
        }
    }

    private static VpdModelConfig? ReadConfig(string? path)
    {
        if (path is null)
        {
            return null;
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model config not found: {path}", path);
        }
        return VpdModelConfig.FromJson(File.ReadAllText(path), path);
    }
}
