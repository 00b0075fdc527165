using Vpd.Core.Masks;

namespace Vpd.Core.Refer;

/// <summary>An annotation entry of a COCO <c>instances.json</c>.</summary>
public sealed record CocoAnnotation(long Id, long ImageId, long CategoryId, bool IsCrowd, CocoSegmentation Segmentation);
