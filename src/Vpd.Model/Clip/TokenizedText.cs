namespace Vpd.Model.Clip;

/// <summary>
/// Token ids of one sentence in VPD's convention (SOS, text tokens, EOS, padding with EOS up to the
/// fixed length) and the attention mask (1 on SOS, text and EOS; 0 on padding).
/// </summary>
public sealed record TokenizedText(long[] Ids, long[] AttentionMask);
