using System.Text;

namespace Vpd.Core.Attention;

/// <summary>
/// One sentence's averaged cross-attention maps, as the model computed them (VPD's equation 5): per
/// level, keyed by the map's side s (S/32 and S/16: 4 and 8 for the Tiny model at 128 px, 16 and 32 for
/// SD 1.5 at 512 px), <c>Tokens * s * s</c> floats, token-major and row-major within a token, with
/// the token strings and their roles. Plain data: no Torch, so storage, reports and figures share it.
/// </summary>
public sealed class AttentionMaps
{
    /// <summary>Most token positions a sentence may have (CLIP's context is 77).</summary>
    public const int MaxTokens = 256;

    /// <summary>Most levels (map sides) one sentence may carry.</summary>
    public const int MaxLevels = 8;

    /// <summary>Largest map side (S/16 of a 4096 px input).</summary>
    public const int MaxSide = 256;

    /// <summary>Most UTF-8 bytes of one token string (a CLIP symbol is a few bytes; its special tokens 15).</summary>
    public const int MaxTokenBytes = 255;

    /// <summary>Most values over all levels (bounds what a blob may make a reader allocate: 64 MiB of floats).</summary>
    public const long MaxValues = 16L * 1024 * 1024;

    private readonly SortedDictionary<int, float[]> levels;

    /// <summary>
    /// Wraps the maps of <paramref name="levelsBySide"/> (not copied). Every length is checked: as many roles as
    /// tokens, each level <c>tokens * side * side</c> values, sides and strings within the limits above.
    /// </summary>
    /// <exception cref="ArgumentException">A count, side or length that does not fit.</exception>
    public AttentionMaps(IReadOnlyList<string> tokens, IReadOnlyList<TokenRole> roles, IReadOnlyDictionary<int, float[]> levelsBySide)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(levelsBySide);
        if (tokens.Count is 0 or > MaxTokens)
        {
            throw new ArgumentException($"attention maps need 1..{MaxTokens} tokens, got {tokens.Count}", nameof(tokens));
        }
        if (roles.Count != tokens.Count)
        {
            throw new ArgumentException($"{tokens.Count} tokens but {roles.Count} roles", nameof(roles));
        }
        for (var i = 0; i < tokens.Count; i++)
        {
            var text = tokens[i] ?? throw new ArgumentException($"token {i} is null", nameof(tokens));
            if (Encoding.UTF8.GetByteCount(text) > MaxTokenBytes)
            {
                throw new ArgumentException($"token {i} has more than {MaxTokenBytes} UTF-8 bytes", nameof(tokens));
            }
            if (!Enum.IsDefined(roles[i]))
            {
                throw new ArgumentException($"token {i} has an unknown role {(int)roles[i]}", nameof(roles));
            }
        }
        if (levelsBySide.Count is 0 or > MaxLevels)
        {
            throw new ArgumentException($"attention maps need 1..{MaxLevels} levels, got {levelsBySide.Count}", nameof(levelsBySide));
        }
        long total = 0;
        levels = new SortedDictionary<int, float[]>();
        foreach (var (side, values) in levelsBySide)
        {
            if (side is <= 0 or > MaxSide)
            {
                throw new ArgumentException($"map side {side} is outside 1..{MaxSide}", nameof(levelsBySide));
            }
            var expected = (long)tokens.Count * side * side;
            if (values is null || values.Length != expected)
            {
                throw new ArgumentException(
                    $"level {side}x{side} needs {tokens.Count} x {side} x {side} = {expected} values, got {values?.Length.ToString() ?? "none"}",
                    nameof(levelsBySide));
            }
            total += expected;
            levels[side] = values;
        }
        if (total > MaxValues)
        {
            throw new ArgumentException($"attention maps hold {total} values, more than the {MaxValues} allowed", nameof(levelsBySide));
        }
        Tokens = tokens.ToArray();
        Roles = roles.ToArray();
        Sides = levels.Keys.ToArray();
    }

    /// <summary>The token strings, one per position (special tokens as the vocabulary names them).</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The role of each position.</summary>
    public IReadOnlyList<TokenRole> Roles { get; }

    /// <summary>The map sides present, ascending (coarsest first).</summary>
    public IReadOnlyList<int> Sides { get; }

    public int TokenCount => Tokens.Count;

    /// <summary>Total number of values over all levels.</summary>
    public long ValueCount => levels.Sum(pair => (long)pair.Value.Length);

    /// <summary>All maps of one level, <c>Tokens * side * side</c> values (not a copy).</summary>
    public float[] Level(int side) =>
        levels.TryGetValue(side, out var values)
            ? values
            : throw new ArgumentException($"no attention maps of side {side}; sides: {string.Join(", ", Sides)}", nameof(side));

    /// <summary>The <c>side x side</c> map of one token, row-major.</summary>
    public ReadOnlySpan<float> Map(int side, int token)
    {
        var values = Level(side);
        ArgumentOutOfRangeException.ThrowIfNegative(token);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(token, TokenCount);
        return values.AsSpan(token * side * side, side * side);
    }

    /// <summary>Positions that are not padding (start, text, end), in order.</summary>
    public IReadOnlyList<int> SentenceTokens() =>
        Enumerable.Range(0, TokenCount).Where(i => Roles[i] != TokenRole.Padding).ToArray();
}
