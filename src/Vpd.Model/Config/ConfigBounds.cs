using System.Globalization;

namespace Vpd.Model.Config;

/// <summary>
/// Upper bounds on config sizes, checked before a model is built. They admit Stable Diffusion v1.5 with wide
/// margins (each limit names SD v1.5's value in its message) and keep every size a 64-bit element count can
/// hold when the model is laid out; they are a sanity check, not a memory budget: a model file is loaded
/// only after its tensors are matched to the config's layout, so the memory it takes is the file's own.
/// </summary>
internal static class ConfigBounds
{
    /// <exception cref="InvalidDataException">Naming the source, the field, its value, the limit and SD v1.5's value.</exception>
    public static void AtMost(string source, string field, long value, long limit, long sd15)
    {
        if (value > limit)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: {field} {value} is above the limit {limit} (Stable Diffusion v1.5 has {sd15})"));
        }
    }

    /// <inheritdoc cref="AtMost(string, string, long, long, long)"/>
    public static void AllAtMost(string source, string field, IReadOnlyList<int> values, int count, long limit, string sd15)
    {
        if (values.Count > count)
        {
            throw new InvalidDataException($"{source}: {field} has {values.Count} entries, above the limit {count} (Stable Diffusion v1.5: {sd15})");
        }
        foreach (var value in values)
        {
            if (value > limit)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{source}: {field} holds {value}, above the limit {limit} per entry (Stable Diffusion v1.5: {sd15})"));
            }
        }
    }
}
