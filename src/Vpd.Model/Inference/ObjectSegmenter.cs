using TorchSharp;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Model.Checkpoints;
using static TorchSharp.torch;

namespace Vpd.Model.Inference;

/// <summary>
/// The inference API the queue pipeline and <c>vpd eval</c> share: a model loaded once, then one
/// referred object at a time -- one image and all its sentences in one call. The image's clean latents
/// are computed once and cached (by image id, or by a key the caller gives, such as the image's content
/// hash); with a noise step T they are diffused with <see cref="ImageNoise"/> drawn from (noise seed,
/// image id), so every sentence of an image sees the same noise whatever the batch, and runs of one model
/// at several noise steps encode each image once. The sentences then run one at a time unless
/// <see cref="SegmenterOptions.BatchSentences"/>, so a mask never depends on the grouping.
/// Thread-safe: calls are serialised on the one model.
/// </summary>
public sealed class ObjectSegmenter : IDisposable
{
    private readonly VpdModel model;
    private readonly bool ownsModel;
    private readonly LatentCache cache;
    private readonly SharedLatents? shared;
    private readonly string? encoderKey;
    private readonly Lock gate = new();

    /// <summary>
    /// Wraps a model already on <paramref name="options"/>' device and dtype and in eval mode (the trainer's
    /// validation uses this); the segmenter disposes it only when <paramref name="ownsModel"/>.
    /// </summary>
    /// <param name="shared">Latents shared with the other models of this process that have the same image encoder (null: this segmenter's own cache).</param>
    public ObjectSegmenter(VpdModel model, SegmenterOptions options, bool ownsModel = false, SharedLatents? shared = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (model.DType != options.DType || model.Device.type != options.Device.type)
        {
            throw new ArgumentException(
                $"the model is {model.DType} on {model.Device.type} but the segmenter was asked for {options.DType} on {options.Device.type}", nameof(model));
        }
        this.model = model;
        this.ownsModel = ownsModel;
        Options = options;
        cache = new LatentCache(options.LatentCacheImages);
        this.shared = shared;
        encoderKey = shared is null ? null : SharedLatents.EncoderKey(model);
    }

    public SegmenterOptions Options { get; }

    public VpdModel Model => model;

    /// <summary>Side S of the masks (the model's image size).</summary>
    public int ImageSize => model.Config.Refer.ImageSize;

    /// <summary>Images whose latents are cached now.</summary>
    public int CachedImages
    {
        get
        {
            lock (gate)
            {
                return cache.Count;
            }
        }
    }

    /// <summary>Loads a product model file (<see cref="VpdModelFile"/>) onto the options' device and dtype, in eval mode.</summary>
    public static ObjectSegmenter Load(string modelFile, SegmenterOptions options, SharedLatents? shared = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var model = VpdModelFile.LoadForInference(modelFile, options.Device, options.DType);
        try
        {
            return new ObjectSegmenter(model, options, ownsModel: true, shared);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Segments one referred object from an image at its original size (the evaluation transform is applied here).</summary>
    public ObjectSegmentation Segment(string imageId, RgbImage image, IReadOnlyList<string> sentences, bool withAttention = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Segment(imageId, () => EvalTransform.Normalize(EvalTransform.ResizeImage(image, ImageSize)), sentences, withAttention);
    }

    /// <summary>Segments one referred object from an image already transformed (<see cref="EvalTransform.LoadImage"/>: 3*S*S floats, CHW, [-1, 1]).</summary>
    public ObjectSegmentation Segment(string imageId, float[] image, IReadOnlyList<string> sentences, bool withAttention = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Segment(imageId, () => image, sentences, withAttention);
    }

    /// <summary>
    /// The image is only produced on a cache miss, so a caller may pass a loader that decodes the file
    /// lazily.
    /// </summary>
    public ObjectSegmentation Segment(string imageId, Func<float[]> image, IReadOnlyList<string> sentences, bool withAttention = false) =>
        Segment(new ObjectRequest(imageId, image, sentences, withAttention));

    /// <summary>
    /// Segments one referred object with the request's own noise and latent-cache key where it gives them (a worker
    /// serving several runs of one model), else the options'.
    /// </summary>
    public ObjectSegmentation Segment(ObjectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (imageId, image, sentences, withAttention) = (request.ImageId, request.Image, request.Sentences, request.WithAttention);
        ArgumentException.ThrowIfNullOrEmpty(imageId);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(sentences);
        if (sentences.Count == 0)
        {
            throw new ArgumentException($"image {imageId}: an object needs at least one sentence", nameof(request));
        }
        var noiseStep = request.NoiseStep ?? Options.NoiseStep;
        var noiseSeed = request.NoiseSeed ?? Options.NoiseSeed;
        if (noiseStep is < 0 or >= Diffusion.NoiseSchedule.Steps)
        {
            throw new ArgumentException($"noise step must be within 0..{Diffusion.NoiseSchedule.Steps - 1}, got {noiseStep}", nameof(request));
        }
        lock (gate)
        {
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            var latents = CachedLatents(request.LatentKey ?? imageId, image);
            Tensor? noise = null;
            if (noiseStep != 0)
            {
                var shape = latents.shape;
                noise = ImageNoise.Draw(noiseSeed, imageId, 1, shape[1], shape[2], shape[3]).to(model.Device);
            }
            var groups = Options.BatchSentences ? [sentences] : sentences.Select(s => (IReadOnlyList<string>)[s]).ToList();
            var masks = new List<BinaryMask>(sentences.Count);
            var attention = withAttention ? new List<TokenAttention>(sentences.Count) : null;
            foreach (var group in groups)
            {
                var text = model.EncodeText(group);
                var result = model.Refer.PredictFromLatents(latents, text, noiseStep, noise);
                masks.AddRange(ToMasks(result.Masks()));
                attention?.AddRange(ToAttention(model.TokenIds(group), result.AttentionMaps));
            }
            return new ObjectSegmentation(masks, attention);
        }
    }

    /// <summary>Drops every cached latent (after the weights changed, for example).</summary>
    public void ClearCache()
    {
        lock (gate)
        {
            cache.Clear();
        }
    }

    private Tensor CachedLatents(string key, Func<float[]> load)
    {
        if (shared is not null)
        {
            return shared.GetOrAdd($"{encoderKey}/{key}", () => EncodeLatents(key, load));
        }
        if (cache.Get(key) is { } cached)
        {
            return cached;
        }
        var latents = EncodeLatents(key, load).DetachFromDisposeScope();
        cache.Add(key, latents);
        return latents;
    }

    private Tensor EncodeLatents(string key, Func<float[]> load)
    {
        var pixels = load();
        var size = ImageSize;
        if (pixels.Length != 3L * size * size)
        {
            throw new ArgumentException($"image {key}: expected 3 x {size} x {size} = {3L * size * size} values, got {pixels.Length}");
        }
        // Float32 in: VpdRefer converts the image to the VAE encoder's own type, which stays float32 in bfloat16 models.
        using var input = torch.tensor(pixels, [1, 3, size, size]).to(model.Device);
        return model.Refer.PredictLatents(input);
    }

    private List<BinaryMask> ToMasks(Tensor masks)
    {
        // argmax gives int64 0/1 [K, S, S]; bytes on the CPU are what BinaryMask holds.
        using var bytes = masks.to(ScalarType.Byte).cpu().contiguous();
        var all = bytes.data<byte>().ToArray();
        var count = (int)masks.shape[0];
        var height = (int)masks.shape[1];
        var width = (int)masks.shape[2];
        var plane = width * height;
        var result = new List<BinaryMask>(count);
        for (var k = 0; k < count; k++)
        {
            result.Add(new BinaryMask(width, height, all.AsSpan(k * plane, plane).ToArray()));
        }
        return result;
    }

    private static List<TokenAttention> ToAttention(Tensor tokenIds, IReadOnlyDictionary<int, Tensor> maps)
    {
        using var ids = tokenIds.cpu();
        var idRows = ids.data<long>().ToArray();
        var count = (int)tokenIds.shape[0];
        var length = (int)tokenIds.shape[1];
        var perSide = maps.ToDictionary(pair => pair.Key, pair =>
        {
            using var floats = pair.Value.to(ScalarType.Float32).cpu().contiguous();
            return floats.data<float>().ToArray();
        });
        var result = new List<TokenAttention>(count);
        for (var k = 0; k < count; k++)
        {
            var sentenceMaps = new Dictionary<int, float[]>();
            foreach (var (side, values) in perSide)
            {
                var block = length * side * side;
                sentenceMaps[side] = values.AsSpan(k * block, block).ToArray();
            }
            result.Add(new TokenAttention(idRows.AsSpan(k * length, length).ToArray(), sentenceMaps));
        }
        return result;
    }

    public void Dispose()
    {
        cache.Dispose();
        if (ownsModel)
        {
            model.Dispose();
        }
    }
}
