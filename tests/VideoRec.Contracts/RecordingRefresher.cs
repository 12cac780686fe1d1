using VideoRec.Core.Ingestion;

namespace VideoRec.Contracts;

/// <summary>One call of <see cref="IUserVectorRefresher.Refresh"/>, copied at call time.</summary>
/// <param name="UserId">The user.</param>
/// <param name="History">The history the store passed.</param>
/// <param name="Durations">The durations the store passed.</param>
public sealed record RefreshCall(string UserId, IReadOnlyList<IngestEvent> History, IReadOnlyDictionary<string, double> Durations);

/// <summary>An <see cref="IUserVectorRefresher"/> that records every call and answers with <paramref name="compute"/>.</summary>
/// <param name="compute">The vector to return for a call.</param>
public sealed class RecordingRefresher(Func<RefreshCall, UserVector?> compute) : IUserVectorRefresher
{
    private readonly Lock _gate = new();
    private readonly List<RefreshCall> _calls = [];

    /// <summary>The calls so far, in call order.</summary>
    public IReadOnlyList<RefreshCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.ToArray();
            }
        }
    }

    /// <summary>Forgets the calls so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }

    /// <inheritdoc />
    public UserVector? Refresh(string userId, IReadOnlyList<IngestEvent> history, IReadOnlyDictionary<string, double> durationSeconds)
    {
        var call = new RefreshCall(userId, history.ToArray(), new SortedDictionary<string, double>(durationSeconds.ToDictionary(), StringComparer.Ordinal));
        lock (_gate)
        {
            _calls.Add(call);
        }

        return compute(call);
    }

    /// <summary>
    /// A deterministic vector that depends only on the feedback-changing events of the history (as the WALS fold-in
    /// does): their count, their watch seconds, and the known durations of their videos; as of the latest of them.
    /// </summary>
    public static UserVector? FeedbackSummary(RefreshCall call)
    {
        var feedback = call.History.Where(IngestionRules.ChangesFeedback).ToArray();
        if (feedback.Length == 0)
        {
            return null;
        }

        var watched = 0.0;
        var durations = 0.0;
        foreach (var e in feedback)
        {
            watched += e.Seconds ?? 0;
            durations += e.VideoId is { } video && call.Durations.TryGetValue(video, out var d) ? d : 0;
        }

        return new UserVector("summary-1", [feedback.Length, (float)watched, (float)durations], feedback.Max(e => e.Timestamp));
    }
}
