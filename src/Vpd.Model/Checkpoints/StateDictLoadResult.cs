namespace Vpd.Model.Checkpoints;

/// <summary>What <see cref="StateDictLoader.LoadStrict"/> did.</summary>
/// <param name="LoadedKeys">Module keys that received a tensor.</param>
/// <param name="IgnoredKeys">State-dict keys skipped by the ignore rule.</param>
/// <param name="AllowedMissingKeys">Module keys left as they were because the allow-missing rule accepted them.</param>
internal sealed record StateDictLoadResult(IReadOnlyList<string> LoadedKeys, IReadOnlyList<string> IgnoredKeys, IReadOnlyList<string> AllowedMissingKeys);
