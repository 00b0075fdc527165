namespace Vpd.Core.Refer;

/// <summary>An image entry of a COCO <c>instances.json</c>.</summary>
public sealed record CocoImage(long Id, string FileName, int Width, int Height);
