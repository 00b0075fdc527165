namespace Vpd.Core.Contracts;

/// <summary>
/// Validation of ids that become blob names or table keys (run, dataset, refId, imageId, ...).
/// Allowed: 1..128 characters from [A-Za-z0-9._-], and not "." or "..", so an id can never
/// escape its blob folder, clash with a table key's reserved characters (/ \ # ?), or need escaping.
/// </summary>
public static class Ids
{
    public const int MaxLength = 128;

    /// <summary>Returns <paramref name="value"/> when valid; otherwise throws naming <paramref name="kind"/>.</summary>
    /// <exception cref="InvalidIdException"></exception>
    public static string Validate(string? value, string kind)
    {
        var problem = Problem(value);
        return problem is null ? value! : throw new InvalidIdException(kind, value, problem);
    }

    /// <summary>Returns <paramref name="value"/> when it is a lowercase hex SHA-256 (64 characters); otherwise throws.</summary>
    /// <exception cref="InvalidIdException"></exception>
    public static string ValidateSha256(string? value, string kind)
    {
        if (value is null || value.Length != 64 || !value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            throw new InvalidIdException(kind, value, "expected 64 lowercase hex digits (a SHA-256)");
        }
        return value;
    }

    public static bool IsValid(string? value) => Problem(value) is null;

    /// <summary>Why <paramref name="value"/> is not a valid id, or null when it is.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "it is empty";
        }
        if (value.Length > MaxLength)
        {
            return $"it has {value.Length} characters, at most {MaxLength} are allowed";
        }
        if (value is "." or "..")
        {
            return "'.' and '..' are not ids";
        }
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return $"character '{Printable(c)}' is not allowed (only A-Z, a-z, 0-9, '.', '_', '-')";
            }
        }
        return null;
    }

    internal static string Describe(string? value) => value switch
    {
        null => "(missing)",
        _ when value.Length > 40 => $"'{value[..40]}...'",
        _ => $"'{value}'",
    };

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
