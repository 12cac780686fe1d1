using System.Runtime.InteropServices;
using VideoRec.Core.Domain;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Feedback;

/// <summary>One (user, video) pair of a <see cref="PairTable"/>.</summary>
/// <param name="User">User index in <see cref="PairTable.Users"/>.</param>
/// <param name="Video">Video index in <see cref="PairTable.Videos"/>.</param>
/// <param name="Feedback">What the user did with the video.</param>
/// <param name="Order">Position of the pair's first interaction in the source log: breaks timestamp ties.</param>
public readonly record struct PairRecord(int User, int Video, PairFeedback Feedback, int Order);

/// <summary>
/// The interaction log folded into one record per (user, video) pair, with dense user and video indices.
/// Search events (no video) are not pairs and are counted in <see cref="SkippedSearches"/>.
/// </summary>
public sealed class PairTable
{
    private PairTable(IdIndex users, IdIndex videos, PairRecord[] pairs, int skippedSearches)
    {
        Users = users;
        Videos = videos;
        Pairs = pairs;
        SkippedSearches = skippedSearches;
    }

    /// <summary>User ids by index.</summary>
    public IdIndex Users { get; }

    /// <summary>Video ids by index.</summary>
    public IdIndex Videos { get; }

    /// <summary>The pairs, in order of their first interaction.</summary>
    public IReadOnlyList<PairRecord> Pairs { get; }

    /// <summary>Number of search interactions, which name no video.</summary>
    public int SkippedSearches { get; }

    /// <summary>
    /// Wraps pairs that are already folded (synthetic data for benchmarks and tests), without an interaction log: no
    /// per-interaction objects are made, which matters at tens of millions of pairs. The pairs are kept in the given
    /// order; each (user, video) must appear at most once, which is not checked.
    /// </summary>
    /// <param name="users">User ids; every pair's <see cref="PairRecord.User"/> indexes it.</param>
    /// <param name="videos">Video ids; every pair's <see cref="PairRecord.Video"/> indexes it.</param>
    /// <param name="pairs">The pairs (not copied).</param>
    /// <exception cref="ArgumentOutOfRangeException">A pair's user or video index is outside its index.</exception>
    public static PairTable FromPairs(IdIndex users, IdIndex videos, PairRecord[] pairs)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(videos);
        ArgumentNullException.ThrowIfNull(pairs);
        for (var i = 0; i < pairs.Length; i++)
        {
            if ((uint)pairs[i].User >= (uint)users.Count || (uint)pairs[i].Video >= (uint)videos.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(pairs),
                    $"Pair {i} has user {pairs[i].User} and video {pairs[i].Video}; the indices hold {users.Count} users and {videos.Count} videos.");
            }
        }

        return new PairTable(users, videos, pairs, 0);
    }

    /// <summary>Folds an interaction log into pairs.</summary>
    /// <param name="interactions">The log, in source order.</param>
    /// <param name="videos">
    /// A video index to extend (so that catalogue videos without interactions keep a column); a new one when <c>null</c>.
    /// </param>
    public static PairTable Build(IEnumerable<Interaction> interactions, IdIndex? videos = null)
    {
        var users = new IdIndex();
        videos ??= new IdIndex();
        var slots = new Dictionary<(int User, int Video), int>();
        var pairs = new List<PairRecord>();
        var searches = 0;
        var order = 0;
        foreach (var interaction in interactions)
        {
            if (interaction.VideoId is null)
            {
                searches++;
                continue;
            }

            var key = (users.Add(interaction.UserId), videos.Add(interaction.VideoId));
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(slots, key, out var exists);
            if (!exists)
            {
                slot = pairs.Count;
                pairs.Add(new PairRecord(key.Item1, key.Item2, default, order));
            }

            var record = pairs[slot];
            var feedback = record.Feedback;
            feedback.Add(interaction);
            pairs[slot] = record with { Feedback = feedback };
            order++;
        }

        return new PairTable(users, videos, [.. pairs], searches);
    }
}
