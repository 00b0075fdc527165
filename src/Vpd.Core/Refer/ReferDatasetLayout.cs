namespace Vpd.Core.Refer;

/// <summary>
/// Where a referring dataset lives under a data root: <c>DATA/{Folder}/refs({SplitBy}).p</c> and
/// <c>DATA/{Folder}/instances.json</c>, images under <c>DATA/images/mscoco/images/train2014/</c>.
/// </summary>
/// <param name="Id">The dataset id used in blob names and manifests (<c>refcoco</c>, <c>refcocoplus</c>, ...).</param>
/// <param name="Folder">The folder under the data root (<c>refcoco+</c> for RefCOCO+, as the reference layout names it).</param>
/// <param name="SplitBy">The annotation partition in the refs file name (<c>unc</c>, <c>umd</c>, <c>google</c>).</param>
public sealed record ReferDatasetLayout(string Id, string Folder, string SplitBy)
{
    public static readonly ReferDatasetLayout RefCoco = new("refcoco", "refcoco", "unc");
    public static readonly ReferDatasetLayout RefCocoPlus = new("refcocoplus", "refcoco+", "unc");
    public static readonly ReferDatasetLayout RefCocoGUmd = new("refcocog-umd", "refcocog", "umd");
    public static readonly ReferDatasetLayout RefCocoGGoogle = new("refcocog-google", "refcocog", "google");
    public static readonly ReferDatasetLayout RefShapes = new("refshapes", "refshapes", "unc");

    /// <summary>Every known dataset, in the order the documentation lists them.</summary>
    public static IReadOnlyList<ReferDatasetLayout> Known { get; } = [RefCoco, RefCocoPlus, RefCocoGUmd, RefCocoGGoogle, RefShapes];

    /// <summary>The refs file name, e.g. <c>refs(unc).p</c>.</summary>
    public string RefsFileName => $"refs({SplitBy}).p";

    /// <summary>
    /// The layout of a dataset id; also accepts <c>refcoco+</c> (the CLI's spelling of
    /// <c>refcocoplus</c>). Ids are case-sensitive, as they become blob names.
    /// </summary>
    public static ReferDatasetLayout FromId(string datasetId)
    {
        ArgumentNullException.ThrowIfNull(datasetId);
        var id = datasetId == "refcoco+" ? RefCocoPlus.Id : datasetId;
        return Known.FirstOrDefault(layout => layout.Id == id)
            ?? throw new ArgumentException(
                $"unknown dataset id '{datasetId}'; known: {string.Join(", ", Known.Select(layout => layout.Id))} (and refcoco+)",
                nameof(datasetId));
    }

    /// <summary>The canonical id of <paramref name="datasetId"/> (<c>refcoco+</c> becomes <c>refcocoplus</c>).</summary>
    public static string NormalizeId(string datasetId) => FromId(datasetId).Id;
}
