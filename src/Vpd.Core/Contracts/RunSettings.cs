namespace Vpd.Core.Contracts;

/// <summary>
/// What a user chooses for a run and the run pins, as one value: the enqueue request carries it and the manifest
/// stores it as given, so the two cannot drift apart field by field. The evaluation size S and the token length come
/// from the model the run uses.
/// </summary>
/// <param name="Dataset">Dataset id (refcoco, refcocoplus, refcocog-umd, refcocog-google, refshapes).</param>
/// <param name="Split">Split evaluated.</param>
/// <param name="ImageSize">Evaluation resolution S: images are resized to S x S, masks are S x S.</param>
/// <param name="TokenLength">Text token length the model was built for (CLIP context).</param>
/// <param name="NoiseStep">Diffusion noise step T added to the image latents (0: none).</param>
/// <param name="NoiseSeed">Seed of the per-image noise.</param>
/// <param name="Dtype">"float32" or "bfloat16".</param>
/// <param name="Attention">Which sentences' cross-attention maps the workers store (<see cref="AttentionChoice"/>).</param>
public sealed record RunSettings(
    string Dataset, string Split, int ImageSize, int TokenLength, int NoiseStep, long NoiseSeed,
    string Dtype = "float32", string Attention = AttentionChoice.None)
{
    /// <exception cref="InvalidDataException">Values out of range.</exception>
    /// <exception cref="InvalidIdException">An invalid dataset or split id.</exception>
    /// <exception cref="ArgumentException">An invalid attention choice.</exception>
    public void Validate(string source)
    {
        Ids.Validate(Dataset, "dataset");
        Ids.Validate(Split, "split");
        if (ImageSize <= 0 || TokenLength <= 0 || NoiseStep is < 0 or > 999)
        {
            throw new InvalidDataException(
                $"{source} has out-of-range settings (imageSize {ImageSize}, tokenLength {TokenLength}, noiseStep {NoiseStep})");
        }
        if (Dtype is not ("float32" or "bfloat16"))
        {
            throw new InvalidDataException($"{source} has dtype '{Dtype}', expected float32 or bfloat16");
        }
        AttentionChoice.Parse(Attention);
    }
}
