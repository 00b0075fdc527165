namespace Vpd.Core.Attention;

/// <summary>What a token position of a sentence holds (VPD's layout: start, text, end, then padding to the token length).</summary>
public enum TokenRole : byte
{
    /// <summary>The start-of-text token (SOS).</summary>
    Start = 0,

    /// <summary>A token of the sentence's text.</summary>
    Text = 1,

    /// <summary>The end-of-text token that closes the sentence (EOS).</summary>
    End = 2,

    /// <summary>Padding after the end token (EOS ids in CLIP); the model attends to these too.</summary>
    Padding = 3,
}
