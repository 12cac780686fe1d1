using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Evaluation.Pipeline;
using VideoRec.Core.Scoring;

namespace VideoRec.Training.Scoring;

/// <summary>
/// Labelled rows from real candidate lists (hard negatives): for each user, the merged candidates of the readable
/// state are assembled; a candidate is positive when it is among the user's held-in relevant videos, negative
/// otherwise. Training groups keep every positive and a seeded sample of at most <c>negatives</c> negatives, each
/// weighted by (negatives in the list) / (sampled), so the loss is that of the whole list and the probabilities stay
/// calibrated; validation groups keep the whole list.
/// </summary>
public static class RankerRows
{
    /// <summary>Builds rows for <paramref name="users"/>.</summary>
    /// <param name="requests">The readable state.</param>
    /// <param name="users">User indices with their relevant held-in videos and each one's watch fraction.</param>
    /// <param name="negatives">Negatives kept per user; <c>null</c> keeps all (validation).</param>
    /// <param name="seed">Sampling seed.</param>
    /// <param name="cancellationToken">Cancels between users.</param>
    public static RankerData Build(OfflineRequests requests, IReadOnlyList<(int User, IReadOnlyDictionary<int, float> Relevant)> users, int? negatives, int seed,
        CancellationToken cancellationToken = default)
    {
        var assembler = new FeatureAssembler(requests.Videos);
        var f = assembler.Features;
        var rows = new List<float>();
        var relevance = new List<float>();
        var watch = new List<float>();
        var weight = new List<float>();
        var starts = new List<int> { 0 };
        var random = new Random(seed);
        var buffer = new float[1024 * f];
        foreach (var (user, relevant) in users)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidates = requests.Candidates(user, cancellationToken);
            if (candidates.Count == 0)
            {
                continue;
            }

            if (buffer.Length < candidates.Count * f)
            {
                buffer = new float[candidates.Count * f];
            }

            assembler.Assemble(requests.User(user), candidates, buffer);
            var positive = new List<int>();
            var negative = new List<int>();
            for (var i = 0; i < candidates.Count; i++)
            {
                (Label(requests, candidates[i], relevant, out _) ? positive : negative).Add(i);
            }

            var kept = negative;
            var negativeWeight = 1f;
            if (negatives is { } most && negative.Count > most)
            {
                var shuffled = negative.ToArray();
                random.Shuffle(shuffled);
                kept = [.. shuffled.AsSpan(0, most).ToArray().Order()];
                negativeWeight = (float)negative.Count / most;
            }

            foreach (var i in negatives is null ? Enumerable.Range(0, candidates.Count) : positive.Concat(kept).Order())
            {
                var isPositive = Label(requests, candidates[i], relevant, out var fraction);
                rows.AddRange(buffer.AsSpan(i * f, f));
                relevance.Add(isPositive ? 1 : 0);
                watch.Add(fraction);
                weight.Add(isPositive || negatives is null ? 1 : negativeWeight);
            }

            starts.Add(relevance.Count);
        }

        var data = new RankerData([.. rows], f, [.. relevance], [.. watch], [.. weight], [.. starts]);
        data.Validate();
        return data;
    }

    private static bool Label(OfflineRequests requests, MergedCandidate candidate, IReadOnlyDictionary<int, float> relevant, out float watchFraction)
    {
        var v = requests.Videos.IndexOf(candidate.VideoId);
        if (v >= 0 && relevant.TryGetValue(v, out watchFraction))
        {
            return true;
        }

        watchFraction = 0;
        return false;
    }
}
