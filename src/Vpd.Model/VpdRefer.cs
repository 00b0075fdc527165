using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Adapter;
using Vpd.Model.Config;
using Vpd.Model.Diffusion;
using Vpd.Model.Head;
using Vpd.Model.Nn;
using Vpd.Model.Unet;
using Vpd.Model.Vae;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model;

/// <summary>
/// VPD's referring-segmentation model (<c>VPDRefer</c>), field names = the keys of the released VPD
/// checkpoints: <c>gamma</c>, <c>encoder_vq</c>, <c>unet</c> (<c>unet.unet.diffusion_model</c>),
/// <c>text_adapter</c>, <c>classifier</c>. The CLIP text encoder is not part of it: callers pass its
/// <c>last_hidden_state</c>.
/// </summary>
internal sealed class VpdRefer : nn.Module
{
    // Declaration order = VPDRefer.state_dict() order (root parameter first).
    private readonly Parameter gamma;
    private readonly AutoencoderKlEncoder encoder_vq;
    private readonly VpdUnetWrapper unet;
    private readonly TextAdapter text_adapter;
    private readonly SimpleDecoding classifier;

    /// <summary>VPD initialises the adapter's residual scale small, so a fresh adapter starts near the identity.</summary>
    public const double GammaInit = 1e-4;

    /// <summary>A model built from <paramref name="config"/> on <paramref name="device"/> (the meta device builds the layout without memory).</summary>
    public VpdRefer(VpdReferConfig config, Device? device = null) : base(nameof(VpdRefer))
    {
        config.Validate(nameof(VpdReferConfig));
        Config = config;
        gamma = new Parameter(full(config.TokenEmbedDim, GammaInit, dtype: ScalarType.Float32, device: device));
        encoder_vq = new AutoencoderKlEncoder(config.Vae, device);
        unet = new VpdUnetWrapper(config.Unet, config.BaseSize, device);
        text_adapter = new TextAdapter(config.TokenEmbedDim, device);
        classifier = new SimpleDecoding(config.NeckDim, device);
        RegisterComponents();
    }

    /// <summary>The configuration this model was built from.</summary>
    public VpdReferConfig Config { get; }

    /// <summary>The VAE encoder part (<c>encoder_vq</c>).</summary>
    public AutoencoderKlEncoder EncoderVq => encoder_vq;

    /// <summary>VPD's UNet wrapper (<c>unet</c>).</summary>
    public VpdUnetWrapper Unet => unet;

    /// <summary>The text adapter (<c>text_adapter</c>).</summary>
    public TextAdapter TextAdapter => text_adapter;

    /// <summary>The head (<c>classifier</c>).</summary>
    public SimpleDecoding Classifier => classifier;

    /// <summary>The adapter's residual scale (<c>gamma</c>).</summary>
    public Parameter Gamma => gamma;

    /// <summary>Image [B, 3, S, S] in [-1, 1] -> unscaled VAE mode latents [B, 4, S/8, S/8] (differentiable; no scope or mode changes).</summary>
    public Tensor EncodeLatents(Tensor image, ForwardTrace? trace = null)
    {
        RequireShape(image, "image", [-1, Config.Vae.InChannels, Config.ImageSize, Config.ImageSize]);
        return encoder_vq.EncodeMode(MixedPrecision.As(image, MixedPrecision.WeightType(encoder_vq)), trace);
    }

    /// <summary>Text embeddings [B, L, D] -> UNet context: <c>l + gamma * fc(l)</c> when the adapter is on, else <paramref name="text"/> itself.</summary>
    public Tensor AdaptText(Tensor text) => Config.UseTextAdapter ? text_adapter.forward(text, gamma) : text.alias();

    /// <summary>The whole forward from an image (differentiable; see <see cref="ForwardLatents"/>).</summary>
    public VpdReferResult forward(Tensor image, Tensor text, int noiseStep = 0, Tensor? noise = null, ForwardTrace? trace = null)
    {
        using var scope = NewDisposeScope();
        var latents = EncodeLatents(image, trace);
        trace?.Invoke("latents", latents);
        return Detach(ForwardLatents(latents, text, noiseStep, noise, trace));
    }

    /// <summary>
    /// The forward from cached latents. <paramref name="latents"/> [B or 1, 4, h, w] (one image's latents
    /// are broadcast over the K sentences of <paramref name="text"/> [K, L, D]); <paramref name="noiseStep"/>
    /// T = 0 runs VPD's plain forward (no noise, UNet at <see cref="VpdReferConfig.Timestep"/>), T in
    /// 1..999 diffuses the latents with <paramref name="noise"/> ([1 or B, 4, h, w], drawn by the caller
    /// from a seeded generator; ignored when T = 0) and runs the UNet at T. Trace names: <c>z_t</c>, <c>c_crossattn</c>,
    /// <c>features.i</c>, <c>decoder_logits</c>, and the UNet's under <c>unet.</c>.
    /// </summary>
    public VpdReferResult ForwardLatents(Tensor latents, Tensor text, int noiseStep = 0, Tensor? noise = null, ForwardTrace? trace = null)
    {
        RequireShape(text, "text embeddings", [-1, Config.TokenLength, Config.TokenEmbedDim]);
        RequireShape(latents, "latents", [-1, Config.Unet.InChannels, Config.LatentSize, Config.LatentSize]);
        var batch = BatchOf(latents.shape[0], text.shape[0], "latents", "text embeddings");
        using var scope = NewDisposeScope();
        var z = latents;
        long timestep = Config.Timestep;
        if (noiseStep != 0)
        {
            if (noise is null)
            {
                throw new ArgumentException($"noise step {noiseStep} needs a noise tensor", nameof(noise));
            }
            RequireShape(noise, "noise", [-1, Config.Unet.InChannels, Config.LatentSize, Config.LatentSize]);
            BatchOf(noise.shape[0], latents.shape[0], "noise", "latents");
            z = NoiseSchedule.AddNoise(latents, noise, noiseStep);
            trace?.Invoke("z_t", z);
            timestep = noiseStep;
        }
        if (z.shape[0] != batch)
        {
            z = z.expand(batch, -1, -1, -1);
        }
        // A float32 VAE's latents and float32 text may meet a bfloat16 UNet here (see MixedPrecision).
        var unetType = MixedPrecision.WeightType(unet);
        z = MixedPrecision.As(z, unetType);
        var context = MixedPrecision.As(AdaptText(MixedPrecision.As(text, unetType)), unetType);
        trace?.Invoke("c_crossattn", context);
        var timesteps = full(batch, timestep, dtype: ScalarType.Int64, device: z.device);
        var output = unet.forward(z, timesteps, context, trace.Prefixed("unet."));
        for (var i = 0; i < output.Features.Count; i++)
        {
            trace?.Invoke($"features.{i}", output.Features[i]);
        }
        var decoded = classifier.forward(output.Features);
        trace?.Invoke("decoder_logits", decoded);
        // Resized and returned in float32: rounding both class scores to bfloat16 flips pixels whose scores are close.
        var logits = SimpleDecoding.ResizeBilinear(MixedPrecision.As(decoded, ScalarType.Float32), Config.ImageSize, Config.ImageSize);
        return Detach(new VpdReferResult(logits, output.AttentionMaps));
    }

    /// <summary>
    /// Inference from an image: eval mode required; runs under inference mode in its own dispose scope
    /// and returns only the result tensors.
    /// </summary>
    public VpdReferResult Predict(Tensor image, Tensor text, int noiseStep = 0, Tensor? noise = null) =>
        Infer(() => forward(image, text, noiseStep, noise));

    /// <summary>Inference of the latents of images [B, 3, S, S], to cache per image.</summary>
    public Tensor PredictLatents(Tensor image)
    {
        RequireEval();
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        return EncodeLatents(image).MoveToOuterDisposeScope();
    }

    /// <summary>Inference from cached latents; one image's latents [1, 4, h, w] run against K sentences [K, L, D] in one batch.</summary>
    public VpdReferResult PredictFromLatents(Tensor latents, Tensor text, int noiseStep = 0, Tensor? noise = null) =>
        Infer(() => ForwardLatents(latents, text, noiseStep, noise));

    private VpdReferResult Infer(Func<VpdReferResult> run)
    {
        RequireEval();
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        return Detach(run());
    }

    private void RequireEval()
    {
        if (training)
        {
            throw new InvalidOperationException("VpdRefer is in training mode (BatchNorm would use batch statistics): call eval() before inference");
        }
    }

    /// <summary>Moves a result's tensors to the scope enclosing the current one.</summary>
    private static VpdReferResult Detach(VpdReferResult result)
    {
        result.Logits.MoveToOuterDisposeScope();
        foreach (var map in result.AttentionMaps.Values)
        {
            map.MoveToOuterDisposeScope();
        }
        return result;
    }

    private static long BatchOf(long a, long b, string nameA, string nameB)
    {
        if (a != b && a != 1 && b != 1)
        {
            throw new ArgumentException($"{nameA} batch {a} and {nameB} batch {b} differ (one of them may be 1 to broadcast)");
        }
        return Math.Max(a, b);
    }

    private static void RequireShape(Tensor tensor, string name, long[] expected)
    {
        var shape = tensor.shape;
        if (shape.Length != expected.Length || shape.Zip(expected).Any(p => p.Second >= 0 && p.First != p.Second))
        {
            var want = string.Join(", ", expected.Select(e => e < 0 ? "B" : e.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            throw new ArgumentException($"{name} has shape [{string.Join(", ", shape)}], expected [{want}]");
        }
    }
}
