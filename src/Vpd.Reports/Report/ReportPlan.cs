namespace Vpd.Reports.Report;

/// <summary>One run's galleries: its best, median and worst succeeded sentences by IoU.</summary>
public sealed record RunGallery(string Run, IReadOnlyList<SentenceRow> Best, IReadOnlyList<SentenceRow> Median, IReadOnlyList<SentenceRow> Worst);

/// <summary>A sentence whose attention grid the report shows.</summary>
public sealed record AttentionPick(string Run, SentenceRow Row);

/// <summary>
/// A picture the caller must load for the report: for run <paramref name="Run"/> and the sentence of
/// <paramref name="Row"/>, the image (original size), the truth and the predicted mask at S x S and, when
/// <paramref name="WithAttention"/>, the stored attention maps.
/// </summary>
public sealed record PictureRequest(string Run, SentenceRow Row, bool WithAttention);

/// <summary>
/// The first step of a report: which sentences it shows, chosen from the rows alone, so the caller loads images
/// and masks for those only (<see cref="Pictures"/>), then calls <see cref="RunReport.Render"/>. Choices are
/// deterministic: ties in IoU are broken by ref id and sentence index.
/// </summary>
public sealed class ReportPlan
{
    private ReportPlan(IReadOnlyList<ReportRun> runs, ReportOptions options)
    {
        Runs = runs;
        Options = options;
        Galleries = runs.Select(run => ChooseGallery(run, options.GallerySize)).ToList();
        SideBySide = runs.Count > 1 ? ChooseSideBySide(runs, options.SideBySideSamples) : [];
        Attention = runs.SelectMany(run => Succeeded(run).Where(r => r.HasAttention).Take(options.AttentionSamples)
            .Select(row => new AttentionPick(run.Name, row))).ToList();
        Pictures = CollectRequests();
    }

    public IReadOnlyList<ReportRun> Runs { get; }

    public ReportOptions Options { get; }

    public IReadOnlyList<RunGallery> Galleries { get; }

    /// <summary>Samples shown for every run side by side (empty for one run).</summary>
    public IReadOnlyList<SampleKey> SideBySide { get; }

    public IReadOnlyList<AttentionPick> Attention { get; }

    /// <summary>Every (run, sentence) picture the report shows, once each, in run then key order.</summary>
    public IReadOnlyList<PictureRequest> Pictures { get; }

    /// <summary>Chooses what a report of <paramref name="runs"/> shows.</summary>
    /// <exception cref="ArgumentException">No run, two runs with one id, or a run with two rows for one sentence.</exception>
    public static ReportPlan Create(IReadOnlyList<ReportRun> runs, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        options ??= ReportOptions.Default;
        options.Validate();
        if (runs.Count == 0)
        {
            throw new ArgumentException("a report needs at least one run", nameof(runs));
        }
        var repeated = runs.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException($"run '{repeated.Key}' is given twice", nameof(runs));
        }
        foreach (var run in runs)
        {
            var twice = run.Rows.GroupBy(r => r.Key).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
            {
                throw new ArgumentException($"run '{run.Name}' has {twice.Count()} rows for sentence {twice.Key}", nameof(runs));
            }
        }
        return new ReportPlan(runs, options);
    }

    /// <summary>The run's rows for <paramref name="key"/>, or null.</summary>
    public SentenceRow? RowOf(string run, SampleKey key) =>
        Runs.First(r => r.Name == run).Rows.FirstOrDefault(r => r.Key == key);

    /// <summary>Succeeded rows by ascending IoU, ties by key.</summary>
    internal static IEnumerable<SentenceRow> Succeeded(ReportRun run) =>
        run.Rows.Where(r => r.Status == SentenceStatus.Succeeded)
            .OrderBy(r => r.Score).ThenBy(r => r.RefId, StringComparer.Ordinal).ThenBy(r => r.SentenceIndex);

    private static RunGallery ChooseGallery(ReportRun run, int size)
    {
        var ascending = Succeeded(run).ToList();
        var take = Math.Min(size, ascending.Count);
        var worst = ascending.Take(take).ToList();
        var best = ascending.AsEnumerable().Reverse().Take(take).ToList();
        var medianStart = Math.Clamp(((ascending.Count - 1) / 2) - ((take - 1) / 2), 0, ascending.Count - take);
        var median = ascending.Skip(medianStart).Take(take).ToList();
        return new RunGallery(run.Name, best, median, worst);
    }

    // Samples every run has a row for, ranked by their mean IoU over the runs (a failure counts 0), taken at
    // evenly spaced ranks from the worst to the best, so the comparison shows the whole range.
    private static IReadOnlyList<SampleKey> ChooseSideBySide(IReadOnlyList<ReportRun> runs, int count)
    {
        var byRun = runs.Select(run => run.Rows.ToDictionary(r => r.Key)).ToList();
        var common = byRun[0].Keys.Where(key => byRun.All(rows => rows.ContainsKey(key)))
            .Select(key => (Key: key, Mean: byRun.Average(rows => rows[key].Status == SentenceStatus.Succeeded ? rows[key].Score : 0.0)))
            .OrderBy(k => k.Mean).ThenBy(k => k.Key.RefId, StringComparer.Ordinal).ThenBy(k => k.Key.SentenceIndex)
            .ToList();
        if (common.Count <= count)
        {
            return common.Select(k => k.Key).ToList();
        }
        return Enumerable.Range(0, count)
            .Select(i => common[count == 1 ? 0 : (int)Math.Round(i * (common.Count - 1) / (double)(count - 1))].Key)
            .Distinct().ToList();
    }

    private List<PictureRequest> CollectRequests()
    {
        var wanted = new Dictionary<(string Run, SampleKey Key), bool>();
        void Want(string run, SampleKey key, bool attention) =>
            wanted[(run, key)] = attention || (wanted.TryGetValue((run, key), out var already) && already);
        foreach (var gallery in Galleries)
        {
            foreach (var row in gallery.Best.Concat(gallery.Median).Concat(gallery.Worst))
            {
                Want(gallery.Run, row.Key, false);
            }
        }
        foreach (var key in SideBySide)
        {
            foreach (var run in Runs)
            {
                Want(run.Name, key, false);
            }
        }
        foreach (var pick in Attention)
        {
            Want(pick.Run, pick.Row.Key, true);
        }
        var order = Runs.Select((r, i) => (r.Name, i)).ToDictionary(p => p.Name, p => p.i);
        return wanted
            .OrderBy(p => order[p.Key.Run]).ThenBy(p => p.Key.Key.RefId, StringComparer.Ordinal).ThenBy(p => p.Key.Key.SentenceIndex)
            .Select(p => new PictureRequest(p.Key.Run, RowOf(p.Key.Run, p.Key.Key)!, p.Value))
            .ToList();
    }
}
