using VideoRec.Contracts;
using VideoRec.Core.Embeddings;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests;

/// <summary>The SQLite embedding refresh queue: its own table beside the event queue, same delivery rules.</summary>
public sealed class SqliteEmbeddingRefreshQueueTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly TempDirectory _directory = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 6, 2, 10, 0, 0, TimeSpan.Zero));

    private static CancellationToken None => CancellationToken.None;

    [Fact]
    public async Task Enqueue_ThenReceive_GivesTheSameRequest_AndLeavesTheEventQueueAlone()
    {
        var database = new SqliteDatabase(_directory.File("q.db"));
        var refresh = new SqliteEmbeddingRefreshQueue(database, _clock);
        var events = new SqliteEventQueue(database, _clock);

        await refresh.EnqueueAsync(new EmbeddingRefreshRequest(["v1", "v2"], ["u1"]), None);

        Assert.Equal(1, refresh.Count());
        Assert.Equal(0, events.Count());
        Assert.Empty(await events.ReceiveAsync(10, Lease, None));
        var message = Assert.Single(await refresh.ReceiveAsync(10, Lease, None));
        var request = EmbeddingRefreshRequest.Deserialize(message.Payload);
        Assert.Equal(["v1", "v2"], request.VideoIds);
        Assert.Equal(["u1"], request.UserIds);
        Assert.Equal(1, message.DequeueCount);
    }

    [Fact]
    public async Task EmptyRequest_IsNotQueued()
    {
        var refresh = new SqliteEmbeddingRefreshQueue(new SqliteDatabase(_directory.File("q.db")), _clock);

        await refresh.EnqueueAsync(new EmbeddingRefreshRequest([], []), None);

        Assert.Equal(0, refresh.Count());
    }

    [Fact]
    public async Task Lease_HidesTheMessage_UntilItRunsOut_AndCompleteRemovesIt()
    {
        var refresh = new SqliteEmbeddingRefreshQueue(new SqliteDatabase(_directory.File("q.db")), _clock);
        await refresh.EnqueueAsync(EmbeddingRefreshRequest.ForUsers("u1"), None);

        var first = Assert.Single(await refresh.ReceiveAsync(10, Lease, None));
        Assert.Empty(await refresh.ReceiveAsync(10, Lease, None));
        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var second = Assert.Single(await refresh.ReceiveAsync(10, Lease, None));
        Assert.Equal(2, second.DequeueCount);

        await refresh.CompleteAsync(first, None); // stale receipt: nothing happens
        Assert.Equal(1, refresh.Count());
        await refresh.CompleteAsync(second, None);
        Assert.Equal(0, refresh.Count());
    }

    [Fact]
    public async Task Poison_GoesToTheEmbeddingPoisonTable_WithItsReason()
    {
        var database = new SqliteDatabase(_directory.File("q.db"));
        var refresh = new SqliteEmbeddingRefreshQueue(database, _clock);
        var events = new SqliteEventQueue(database, _clock);
        await refresh.EnqueueAsync(EmbeddingRefreshRequest.ForVideos("v1"), None);
        var message = Assert.Single(await refresh.ReceiveAsync(1, Lease, None));
        await refresh.ReleaseAsync(message, "boom", None);
        message = Assert.Single(await refresh.ReceiveAsync(1, Lease, None));

        await refresh.PoisonAsync(message, "Failed twice.", None);

        var (payload, reason) = Assert.Single(refresh.Poisoned());
        Assert.Equal(message.Payload, payload);
        Assert.Equal("Failed twice. Last error: boom", reason);
        Assert.Empty(events.Poisoned());
        Assert.Equal(0, refresh.Count());
    }

    [Fact]
    public void Deserialize_RejectsMessagesThatAreNotRefreshRequests()
    {
        Assert.Throws<FormatException>(() => EmbeddingRefreshRequest.Deserialize("{"));
        Assert.Throws<FormatException>(() => EmbeddingRefreshRequest.Deserialize("{\"videoIds\":[\"v\"]}"));
        Assert.Throws<FormatException>(() => EmbeddingRefreshRequest.Deserialize("{\"videoIds\":[null],\"userIds\":[]}"));
        Assert.Throws<FormatException>(() => EmbeddingRefreshRequest.Deserialize("{\"videoIds\":[\"\"],\"userIds\":[]}"));
        Assert.Throws<FormatException>(() => EmbeddingRefreshRequest.Deserialize("null"));
        Assert.Equal("{\"videoIds\":[\"a\"],\"userIds\":[\"b\"]}", new EmbeddingRefreshRequest(["a"], ["b"]).Serialize());
    }

    public void Dispose() => _directory.Dispose();
}
