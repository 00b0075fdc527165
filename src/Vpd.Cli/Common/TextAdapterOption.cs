using System.CommandLine;

namespace Vpd.Cli.Common;

/// <summary>
/// <c>--text-adapter on|off</c> of <c>vpd train</c> and <c>vpd convert</c>: whether the model runs VPD's text
/// adapter (<c>c = l + gamma * MLP(l)</c>; the seed's head-only recipe turns it off). Recorded in the model
/// file's config as <c>use_text_adapter</c>; a file without that key runs it.
/// </summary>
public static class TextAdapterOption
{
    public const string On = "on";
    public const string Off = "off";

    public static Option<string?> Create() => new("--text-adapter")
    {
        Description = "on | off: run VPD's text adapter (default: as the input model has it; a Stable Diffusion import: on)",
    };

    /// <summary>True for on, false for off, null when not given.</summary>
    /// <exception cref="ArgumentException">Neither value.</exception>
    public static bool? Parse(string? value) => value switch
    {
        null => null,
        On => true,
        Off => false,
        _ => throw new ArgumentException($"--text-adapter must be {On} or {Off}; got '{value}'"),
    };
}
