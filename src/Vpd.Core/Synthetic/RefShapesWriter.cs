using System.Globalization;
using System.Text.Json;
using Razorvine.Pickle;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Refer;

namespace Vpd.Core.Synthetic;

/// <summary>
/// Writes a generated RefShapes dataset in the RefCOCO layout: the refs list pickled by Razorvine
/// (protocol 2, plain dicts and lists, as the reference <c>REFER</c> class reads it), a COCO
/// instances.json with polygon segmentations, and one JPEG per image.
/// </summary>
internal static class RefShapesWriter
{
    public static void Write(string dataRoot, RefShapesDataset dataset, IProgress<int>? imagesWritten)
    {
        var layout = ReferDatasetLayout.RefShapes;
        var folder = Path.Combine(dataRoot, layout.Folder);
        var imageFolder = Path.Combine([dataRoot, .. ReferDataset.ImageFolder]);
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(imageFolder);

        File.WriteAllBytes(Path.Combine(folder, layout.RefsFileName), RefsPickleBytes(dataset));
        File.WriteAllBytes(Path.Combine(folder, "instances.json"), InstancesJson(dataset));

        var encoder = new JpegEncoder { Quality = dataset.Options.JpegQuality, ColorType = JpegColorType.YCbCrRatio444 };
        var written = 0;
        Parallel.ForEach(dataset.Images, image =>
        {
            using var picture = Image.LoadPixelData<Rgb24>(image.Pixels.Pixels, image.Pixels.Width, image.Pixels.Height);
            picture.SaveAsJpeg(Path.Combine(imageFolder, image.FileName), encoder);
            var count = Interlocked.Increment(ref written);
            imagesWritten?.Report(count);
        });
    }

    /// <summary>The refs list with RefCOCO's keys, pickled as plain dicts and lists.</summary>
    internal static byte[] RefsPickleBytes(RefShapesDataset dataset)
    {
        var refs = new List<object>();
        foreach (var image in dataset.Images)
        {
            foreach (var shape in image.Objects)
            {
                if (shape.RefId is not { } refId)
                {
                    continue;
                }
                var sentences = shape.Sentences.Select(s => (object)new Dictionary<string, object>
                {
                    ["tokens"] = s.Sentence.Split(' ').Cast<object>().ToList(),
                    ["raw"] = s.Sentence,
                    ["sent_id"] = s.SentId,
                    ["sent"] = s.Sentence,
                }).ToList();
                refs.Add(new Dictionary<string, object>
                {
                    ["sent_ids"] = shape.Sentences.Select(s => (object)s.SentId).ToList(),
                    ["file_name"] = string.Create(CultureInfo.InvariantCulture, $"COCO_train2014_{image.Id:D12}_{shape.AnnId}.jpg"),
                    ["ann_id"] = shape.AnnId,
                    ["ref_id"] = refId,
                    ["image_id"] = image.Id,
                    ["split"] = image.Split,
                    ["sentences"] = sentences,
                    ["category_id"] = (long)shape.Kind,
                });
            }
        }
        using var pickler = new Pickler();
        return pickler.dumps(refs);
    }

    internal static byte[] InstancesJson(RefShapesDataset dataset)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("info");
            json.WriteString("description", "RefShapes: synthetic referring segmentation (VpdFunctions)");
            json.WriteString("seed", dataset.Options.Seed.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();

            json.WriteStartArray("images");
            foreach (var image in dataset.Images)
            {
                json.WriteStartObject();
                json.WriteNumber("id", image.Id);
                json.WriteString("file_name", image.FileName);
                json.WriteNumber("height", image.Pixels.Height);
                json.WriteNumber("width", image.Pixels.Width);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("annotations");
            foreach (var image in dataset.Images)
            {
                foreach (var shape in image.Objects)
                {
                    json.WriteStartObject();
                    json.WriteNumber("id", shape.AnnId);
                    json.WriteNumber("image_id", image.Id);
                    json.WriteNumber("category_id", (int)shape.Kind);
                    json.WriteNumber("iscrowd", 0);
                    json.WriteNumber("area", shape.Area);
                    WriteBox(json, shape.Polygon);
                    json.WriteStartArray("segmentation");
                    json.WriteStartArray();
                    foreach (var value in shape.Polygon)
                    {
                        json.WriteNumberValue(value);
                    }
                    json.WriteEndArray();
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();

            json.WriteStartArray("categories");
            foreach (var kind in ShapeKindWords.All)
            {
                json.WriteStartObject();
                json.WriteNumber("id", (int)kind);
                json.WriteString("name", kind.Word());
                json.WriteString("supercategory", "shape");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteBox(Utf8JsonWriter json, double[] polygon)
    {
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i < polygon.Length; i += 2)
        {
            minX = Math.Min(minX, polygon[i]);
            maxX = Math.Max(maxX, polygon[i]);
            minY = Math.Min(minY, polygon[i + 1]);
            maxY = Math.Max(maxY, polygon[i + 1]);
        }
        json.WriteStartArray("bbox");
        json.WriteNumberValue(Math.Round(minX, 2));
        json.WriteNumberValue(Math.Round(minY, 2));
        json.WriteNumberValue(Math.Round(maxX - minX, 2));
        json.WriteNumberValue(Math.Round(maxY - minY, 2));
        json.WriteEndArray();
    }
}
