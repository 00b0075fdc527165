using System.Globalization;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Checkpoints.Import;

namespace Vpd.Cli.Commands;

/// <summary>The provenance notes <c>vpd convert</c> stores in a model file: which files it was made from.</summary>
public static class ConvertProvenance
{
    /// <summary>
    /// <c>input.{i}.file</c> (file name), <c>input.{i}.kind</c> and <c>input.{i}.sha256</c> per input, the tokenizer
    /// files' SHA-256 when a tokenizer folder was read, and <c>tool</c>.
    /// </summary>
    public static Dictionary<string, string> Describe(IReadOnlyList<ImportSource> sources, string? tokenizerDir)
    {
        var notes = new Dictionary<string, string>(StringComparer.Ordinal) { ["tool"] = "vpd convert" };
        for (var i = 0; i < sources.Count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            notes[$"input.{index}.file"] = Path.GetFileName(sources[i].Path);
            notes[$"input.{index}.kind"] = sources[i].Kind.ToString();
            notes[$"input.{index}.sha256"] = VpdModelFile.Sha256(sources[i].Path);
        }
        if (tokenizerDir is not null)
        {
            notes["tokenizer.vocab_json.sha256"] = VpdModelFile.Sha256(Path.Combine(tokenizerDir, "vocab.json"));
            notes["tokenizer.merges_txt.sha256"] = VpdModelFile.Sha256(Path.Combine(tokenizerDir, "merges.txt"));
        }
        return notes;
    }
}
