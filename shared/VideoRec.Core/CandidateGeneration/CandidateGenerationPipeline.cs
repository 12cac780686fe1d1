using System.Diagnostics;

namespace VideoRec.Core.CandidateGeneration;

/// <summary>
/// Runs the enabled candidate generators concurrently, each under its own time budget, and merges their lists
/// (design, "Candidate generation"). A generator that throws or overruns is skipped and reported in
/// <see cref="CandidateSet.Sources"/>; the request still succeeds with the others' candidates.
/// </summary>
public sealed class CandidateGenerationPipeline
{
    private readonly IReadOnlyList<(ICandidateGenerator Generator, CandidateSourceOptions Options)> _sources;
    private readonly Dictionary<string, double> _quotas;
    private readonly Dictionary<string, double> _weights;
    private readonly CandidateGenerationOptions _options;

    /// <summary>A pipeline over <paramref name="generators"/>; generators whose source is disabled or absent from the options do not run.</summary>
    /// <exception cref="ArgumentException">The options are invalid, or two generators share a name.</exception>
    public CandidateGenerationPipeline(IEnumerable<ICandidateGenerator> generators, CandidateGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(generators);
        _options = (options ?? throw new ArgumentNullException(nameof(options))).EnsureValid();
        var byName = new Dictionary<string, ICandidateGenerator>(StringComparer.Ordinal);
        foreach (var g in generators)
        {
            if (!byName.TryAdd(g.Name, g))
            {
                throw new ArgumentException($"Two candidate generators are named '{g.Name}'.", nameof(generators));
            }
        }

        _sources = options.EnabledSources
            .Where(s => byName.ContainsKey(s.Key))
            .Select(s => (byName[s.Key], s.Value))
            .ToArray();
        _quotas = _sources.ToDictionary(s => s.Generator.Name, s => s.Options.Quota, StringComparer.Ordinal);
        _weights = _sources.ToDictionary(s => s.Generator.Name, s => s.Options.Weight, StringComparer.Ordinal);
    }

    /// <summary>The sources that run, in priority order.</summary>
    public IReadOnlyList<string> Sources => _sources.Select(s => s.Generator.Name).ToArray();

    /// <summary>Generates, merges and reports.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Abandons the request.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<CandidateSet> GenerateAsync(CandidateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var runs = _sources.Select(s => RunAsync(s.Generator, s.Options, request, cancellationToken)).ToArray();
        var results = await Task.WhenAll(runs).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var lists = results.Select(r => (r.Source, r.Candidates)).ToArray();
        var merged = CandidateMerger.Merge(lists, _quotas, _options.MergedCount, request.Excluded, _weights);
        var selected = merged.CountBy(c => c.Sources[0].Source).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        var reports = results.Select(r => new SourceReport(r.Source, r.Status, r.Candidates.Count, selected.GetValueOrDefault(r.Source), r.ElapsedMs, r.Error)).ToArray();
        return new CandidateSet(merged, reports, results.ToDictionary(r => r.Source, r => r.Candidates, StringComparer.Ordinal));
    }

    private async Task<SourceRun> RunAsync(ICandidateGenerator generator, CandidateSourceOptions options, CandidateRequest request,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.BudgetMs);
        var count = options.Count ?? _options.MergedCount;

        // Task.Run: an in-process index searches synchronously; the budget must hold even if the generator never yields.
        var work = Task.Run(async () => await generator.GenerateAsync(request, count, budget.Token).ConfigureAwait(false), CancellationToken.None);
        var deadline = Task.Delay(options.BudgetMs, cancellationToken);
        var first = await Task.WhenAny(work, deadline).ConfigureAwait(false);
        if (first != work)
        {
            _ = work.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            return new SourceRun(generator.Name, SourceStatus.TimedOut, [], clock.Elapsed.TotalMilliseconds,
                cancellationToken.IsCancellationRequested ? "the request was cancelled" : $"no answer within its budget of {options.BudgetMs} ms");
        }

        try
        {
            var candidates = Checked(await work.ConfigureAwait(false), count);
            return new SourceRun(generator.Name, SourceStatus.Ok, candidates, clock.Elapsed.TotalMilliseconds, null);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new SourceRun(generator.Name, SourceStatus.TimedOut, [], clock.Elapsed.TotalMilliseconds, $"cancelled at its budget of {options.BudgetMs} ms");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Includes an OperationCanceledException neither the request nor the budget caused, such as an HTTP
            // client's own timeout (TaskCanceledException): a failure of this source, not a cancelled request.
            return new SourceRun(generator.Name, SourceStatus.Failed, [], clock.Elapsed.TotalMilliseconds, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// A generator's answer cut to the <paramref name="count"/> it was asked for, or an <see cref="InvalidOperationException"/>
    /// (the source fails) when it breaks the contract.
    /// </summary>
    private static IReadOnlyList<Candidate> Checked(IReadOnlyList<Candidate>? candidates, int count)
    {
        if (candidates is null)
        {
            throw new InvalidOperationException("the generator returned null instead of a list");
        }

        var kept = Math.Min(count, candidates.Count);
        for (var i = 0; i < kept; i++)
        {
            if (string.IsNullOrEmpty(candidates[i].VideoId))
            {
                throw new InvalidOperationException($"the generator proposed a video without an id (position {i})");
            }
        }

        return kept == candidates.Count ? candidates : candidates.Take(kept).ToArray();
    }

    private sealed record SourceRun(string Source, SourceStatus Status, IReadOnlyList<Candidate> Candidates, double ElapsedMs, string? Error);
}
