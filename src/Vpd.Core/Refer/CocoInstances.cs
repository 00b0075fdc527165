using System.Text.Json;
using Vpd.Core.Masks;

namespace Vpd.Core.Refer;

/// <summary>
/// The parts of a COCO <c>instances.json</c> the referring datasets use: images, annotations
/// (polygon or RLE segmentations) and category names.
/// </summary>
public sealed class CocoInstances
{
    private CocoInstances(
        Dictionary<long, CocoImage> images, Dictionary<long, CocoAnnotation> annotations, Dictionary<long, string> categories)
    {
        Images = images;
        Annotations = annotations;
        Categories = categories;
    }

    public IReadOnlyDictionary<long, CocoImage> Images { get; }

    public IReadOnlyDictionary<long, CocoAnnotation> Annotations { get; }

    /// <summary>Category id to name.</summary>
    public IReadOnlyDictionary<long, string> Categories { get; }

    /// <summary>
    /// Reads the file. When <paramref name="annotationFilter"/> is given, only annotations it
    /// accepts are kept (a real instances.json holds many an evaluation never reads).
    /// </summary>
    public static CocoInstances Read(string path, Func<long, bool>? annotationFilter = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"COCO instances file not found: {path}", path);
        }
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            return FromJson(document.RootElement, path, annotationFilter);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static CocoInstances FromJson(JsonElement root, string path, Func<long, bool>? annotationFilter)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{path}: expected a JSON object with images, annotations and categories");
        }
        var images = new Dictionary<long, CocoImage>();
        foreach (var item in Array(root, "images", path))
        {
            var id = Long(item, "id", $"{path} image");
            var where = $"{path} image {id}";
            var image = new CocoImage(id, FileName(item, where), Int(item, "width", where), Int(item, "height", where));
            if (!images.TryAdd(id, image))
            {
                throw new InvalidDataException($"{where}: duplicate image id");
            }
        }
        var annotations = new Dictionary<long, CocoAnnotation>();
        foreach (var item in Array(root, "annotations", path))
        {
            var id = Long(item, "id", $"{path} annotation");
            if (annotationFilter is not null && !annotationFilter(id))
            {
                continue;
            }
            var where = $"{path} annotation {id}";
            var isCrowd = item.TryGetProperty("iscrowd", out var crowd) && crowd.ValueKind == JsonValueKind.Number && crowd.GetInt32() != 0;
            var annotation = new CocoAnnotation(
                id,
                Long(item, "image_id", where),
                item.TryGetProperty("category_id", out _) ? Long(item, "category_id", where) : 0,
                isCrowd,
                Segmentation(item, where));
            if (!annotations.TryAdd(id, annotation))
            {
                throw new InvalidDataException($"{where}: duplicate annotation id");
            }
        }
        var categories = new Dictionary<long, string>();
        if (root.TryGetProperty("categories", out var categoryArray) && categoryArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in categoryArray.EnumerateArray())
            {
                var id = Long(item, "id", $"{path} category");
                categories[id] = item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : "";
            }
        }
        return new CocoInstances(images, annotations, categories);
    }

    private static CocoSegmentation Segmentation(JsonElement annotation, string where)
    {
        if (!annotation.TryGetProperty("segmentation", out var segmentation))
        {
            throw new InvalidDataException($"{where}: missing 'segmentation'");
        }
        if (segmentation.ValueKind == JsonValueKind.Array)
        {
            var polygons = new List<double[]>();
            foreach (var polygon in segmentation.EnumerateArray())
            {
                if (polygon.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException($"{where}: segmentation must be a list of polygons (lists of numbers)");
                }
                var coordinates = new double[polygon.GetArrayLength()];
                var i = 0;
                foreach (var value in polygon.EnumerateArray())
                {
                    coordinates[i++] = value.ValueKind == JsonValueKind.Number
                        ? value.GetDouble()
                        : throw new InvalidDataException($"{where}: polygon coordinates must be numbers");
                }
                polygons.Add(coordinates);
            }
            return new CocoSegmentation.Polygons(polygons);
        }
        if (segmentation.ValueKind == JsonValueKind.Object)
        {
            if (!segmentation.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Array || size.GetArrayLength() != 2
                || size[0].ValueKind != JsonValueKind.Number || size[1].ValueKind != JsonValueKind.Number
                || !size[0].TryGetInt32(out var height) || !size[1].TryGetInt32(out var width))
            {
                throw new InvalidDataException($"{where}: RLE segmentation needs 'size': [height, width] as integers");
            }
            if (!segmentation.TryGetProperty("counts", out var counts))
            {
                throw new InvalidDataException($"{where}: RLE segmentation has no 'counts'");
            }
            return counts.ValueKind switch
            {
                JsonValueKind.String => new CocoSegmentation.Rle(height, width, counts.GetString(), null),
                JsonValueKind.Array => new CocoSegmentation.Rle(height, width, null,
                    [.. counts.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var run)
                        ? run
                        : throw new InvalidDataException($"{where}: RLE counts must be numbers"))]),
                _ => throw new InvalidDataException($"{where}: RLE 'counts' must be a string or a list of numbers"),
            };
        }
        throw new InvalidDataException($"{where}: 'segmentation' must be a list of polygons or an RLE object");
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : throw new InvalidDataException($"{path}: missing the '{name}' list");

    private static long Long(JsonElement item, string name, string where) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var result)
            ? result
            : throw new InvalidDataException($"{where}: '{name}' must be an integer");

    private static int Int(JsonElement item, string name, string where)
    {
        var value = Long(item, name, where);
        return value is > 0 and <= int.MaxValue
            ? (int)value
            : throw new InvalidDataException($"{where}: '{name}' must be a positive integer, found {value}");
    }

    /// <summary>
    /// An image file name must be a plain name: it is joined to the image folder, and a name with
    /// a separator or <c>..</c> would read files outside it.
    /// </summary>
    private static string FileName(JsonElement item, string where)
    {
        var name = item.TryGetProperty("file_name", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        if (name.Length == 0 || name.Length > 255 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new InvalidDataException($"{where}: 'file_name' must be a plain file name, found '{name}'");
        }
        return name;
    }
}
