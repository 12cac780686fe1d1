using VideoRec.Core.Common;
using VideoRec.Core.Feedback;

namespace VideoRec.Core.Evaluation.ColdStart;

/// <summary>One held-out (new) user of a <see cref="NewUserSplit"/>.</summary>
/// <param name="User">User index in the pair table.</param>
/// <param name="Known">The user's first pairs by time (ties broken by file order): the history a method may use.</param>
/// <param name="Targets">Video indices of the user's later pairs that are relevant: what every method must find.</param>
public sealed record NewUser(int User, IReadOnlyList<PairRecord> Known, IReadOnlySet<int> Targets);

/// <summary>
/// The new-user cold-start protocol: a seeded fraction of users is held out entirely from training; each held-out
/// user's pairs are ordered by time (ties by file order), the first <c>knownCount</c> are the known history and the
/// relevant ones among the rest are the targets, the same for every method so that the numbers compare like with like.
/// </summary>
/// <param name="Train">Every pair of the users who are not held out.</param>
/// <param name="Users">The held-out users that have at least one target, in user-index order.</param>
/// <param name="HeldOut">Every held-out user index (also those without a target), so no method trains on them.</param>
/// <param name="KnownCount">How many first pairs are known.</param>
public sealed record NewUserSplit(IReadOnlyList<PairRecord> Train, IReadOnlyList<NewUser> Users, IReadOnlySet<int> HeldOut, int KnownCount)
{
    /// <summary>Splits <paramref name="table"/>.</summary>
    /// <param name="table">All pairs.</param>
    /// <param name="durationSeconds">Video lengths by index, for the relevance label of the targets.</param>
    /// <param name="testPolicy">Which later pairs count as targets.</param>
    /// <param name="seed">Seeds the choice of held-out users.</param>
    /// <param name="fraction">Share of users held out, in (0, 1). Default 0.1.</param>
    /// <param name="knownCount">Known first pairs per held-out user, at least 0. Default 5.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> or <paramref name="knownCount"/> is out of range.</exception>
    public static NewUserSplit Create(PairTable table, IReadOnlyList<double?> durationSeconds, RelevancePolicy testPolicy,
        int seed, double fraction = 0.1, int knownCount = 5)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The held-out share of users must lie strictly between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(knownCount);
        var userCount = table.Users.Count;
        var order = Enumerable.Range(0, userCount).ToArray();
        new Random(Seeds.Derive(seed, 0xC01D)).Shuffle(order);
        var heldOut = new HashSet<int>(order.Take((int)Math.Round(userCount * fraction)));

        var byUser = new List<PairRecord>[userCount];
        var train = new List<PairRecord>();
        foreach (var pair in table.Pairs)
        {
            if (heldOut.Contains(pair.User))
            {
                (byUser[pair.User] ??= []).Add(pair);
            }
            else
            {
                train.Add(pair);
            }
        }

        var users = new List<NewUser>();
        foreach (var user in heldOut.Order())
        {
            var pairs = byUser[user];
            if (pairs is null || pairs.Count <= knownCount)
            {
                continue;
            }

            var timeline = pairs.OrderBy(p => p.Feedback.First).ThenBy(p => p.Order).ToList();
            var targets = new HashSet<int>();
            foreach (var pair in timeline.Skip(knownCount))
            {
                if (testPolicy.Label(pair, durationSeconds) == Relevance.Positive)
                {
                    targets.Add(pair.Video);
                }
            }

            if (targets.Count > 0)
            {
                users.Add(new NewUser(user, timeline.Take(knownCount).ToList(), targets));
            }
        }

        return new NewUserSplit(train, users, heldOut, knownCount);
    }
}
